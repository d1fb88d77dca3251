namespace Triton.Core.Mail.Smtp;

/// <summary>Prepares message bytes for DATA: bare CR or LF become CRLF, lines starting with '.' get a second dot.</summary>
public static class DotStuffing
{
    public static byte[] Apply(ReadOnlySpan<byte> content)
    {
        using var output = new MemoryStream(content.Length + 64);
        var lineStart = true;
        for (var i = 0; i < content.Length; i++)
        {
            var b = content[i];
            if (b == '\r' || b == '\n')
            {
                output.Write("\r\n"u8);
                if (b == '\r' && i + 1 < content.Length && content[i + 1] == '\n') i++;
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') output.WriteByte((byte)'.');
            output.WriteByte(b);
            lineStart = false;
        }
        // The terminator needs the content to end on a line break.
        if (!lineStart) output.Write("\r\n"u8);
        return output.ToArray();
    }
}
