using System.Text;

namespace Triton.Core.Mail.Mime;

/// <summary>RFC 2045 quoted-printable for UTF-8 text bodies; lines of at most 76 characters, CRLF hard breaks.</summary>
public static class QuotedPrintable
{
    private const int MaxLineLength = 76;

    private const string Hex = "0123456789ABCDEF";

    public static string Encode(string text)
    {
        // Encoded in one pass over the UTF-8 bytes, appending characters (no string per byte): this runs
        // for every part of every message, so it is on the sending hot path.
        var normalized = text.Replace("\r\n", "\n").Replace('\r', '\n');
        var bytes = Encoding.UTF8.GetBytes(normalized);
        var output = new StringBuilder(bytes.Length + bytes.Length / 8);
        var start = 0;
        while (true)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                EncodeLine(bytes.AsSpan(start), output);
                return output.ToString();
            }
            EncodeLine(bytes.AsSpan(start, end - start), output);
            output.Append("\r\n");
            start = end + 1;
        }
    }

    private static void EncodeLine(ReadOnlySpan<byte> bytes, StringBuilder output)
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
            var width = literal ? 1 : 3;
            // Keep room for the soft break "=" unless this token ends the line.
            var limit = last ? MaxLineLength : MaxLineLength - 1;
            if (lineLength + width > limit)
            {
                output.Append("=\r\n");
                lineLength = 0;
                if (b == '.')
                {
                    literal = false;
                    width = 3;
                }
            }
            if (literal) output.Append((char)b);
            else output.Append('=').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            lineLength += width;
        }
    }
}
