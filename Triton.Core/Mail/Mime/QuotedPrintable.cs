using System.Text;

namespace Triton.Core.Mail.Mime;

/// <summary>RFC 2045 quoted-printable for UTF-8 text bodies; lines of at most 76 characters, CRLF hard breaks.</summary>
public static class QuotedPrintable
{
    private const int MaxLineLength = 76;

    public static string Encode(string text)
    {
        var normalized = text.Replace("\r\n", "\n").Replace('\r', '\n');
        var output = new StringBuilder(normalized.Length + normalized.Length / 8);
        var lines = normalized.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            EncodeLine(Encoding.UTF8.GetBytes(lines[i]), output);
            if (i < lines.Length - 1) output.Append("\r\n");
        }
        return output.ToString();
    }

    private static void EncodeLine(byte[] bytes, StringBuilder output)
    {
        var lineLength = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var last = i == bytes.Length - 1;
            // Trailing spaces and tabs are encoded: relays may strip them. '=' is always encoded, so "=_" never
            // appears in an encoded body and can safely start a MIME boundary.
            var literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last);
            // A leading dot is encoded so the body reads the same with or without SMTP dot-stuffing.
            if (b == '.' && lineLength == 0) literal = false;
            var token = literal ? ((char)b).ToString() : "=" + b.ToString("X2");
            // Keep room for the soft break "=" unless this token ends the line.
            var limit = last ? MaxLineLength : MaxLineLength - 1;
            if (lineLength + token.Length > limit)
            {
                output.Append("=\r\n");
                lineLength = 0;
                if (b == '.') token = "=2E";
            }
            output.Append(token);
            lineLength += token.Length;
        }
    }
}
