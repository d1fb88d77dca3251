using System.Text;
using Triton.Core.Domain;

namespace Triton.Core.Tracking;

/// <summary>
/// What an open or click token carries, in a compact binary form: a version byte, the source
/// (campaign or trigger) and its id, the message reference (delivery id, or the transactional
/// message's row id), the tracking category, when the message was composed (Unix seconds), the
/// recipient's user_id and, for a click, the URL. Integers are LEB128 varints, so a typical open
/// token stays under 60 characters. No email address goes in: the payload travels in clear.
/// </summary>
public readonly record struct TrackingPayload(
    TrackedSource Source, int SourceId, long Reference, int CategoryId, long ComposedAt, string UserId, string? Url)
{
    private const byte Version = 1;

    public byte[] ToBytes()
    {
        var user = Encoding.UTF8.GetBytes(UserId);
        var url = Url is null ? [] : Encoding.UTF8.GetBytes(Url);
        var buffer = new byte[2 + 5 * 10 + user.Length + 5 + url.Length];
        var at = 0;
        buffer[at++] = Version;
        buffer[at++] = (byte)Source;
        at += WriteVarint(buffer.AsSpan(at), (ulong)SourceId);
        at += WriteVarint(buffer.AsSpan(at), (ulong)Reference);
        at += WriteVarint(buffer.AsSpan(at), (ulong)CategoryId);
        at += WriteVarint(buffer.AsSpan(at), (ulong)ComposedAt);
        at += WriteVarint(buffer.AsSpan(at), (ulong)user.Length);
        user.CopyTo(buffer.AsSpan(at));
        at += user.Length;
        url.CopyTo(buffer.AsSpan(at));
        at += url.Length;
        return buffer[..at];
    }

    /// <summary>The payload, or null when the bytes are not one (a token signed for something else never gets here: keys differ per purpose).</summary>
    public static TrackingPayload? Read(ReadOnlySpan<byte> bytes, bool withUrl)
    {
        if (bytes.Length < 2 || bytes[0] != Version || bytes[1] > (byte)TrackedSource.Trigger) return null;
        var source = (TrackedSource)bytes[1];
        var rest = bytes[2..];
        if (!ReadVarint(ref rest, out var sourceId) || sourceId > int.MaxValue) return null;
        if (!ReadVarint(ref rest, out var reference) || reference > long.MaxValue) return null;
        if (!ReadVarint(ref rest, out var category) || category > int.MaxValue) return null;
        if (!ReadVarint(ref rest, out var composed) || composed > long.MaxValue) return null;
        if (!ReadVarint(ref rest, out var userLength) || userLength > (ulong)rest.Length) return null;
        var user = Encoding.UTF8.GetString(rest[..(int)userLength]);
        rest = rest[(int)userLength..];
        string? url = null;
        if (withUrl)
        {
            if (rest.Length == 0) return null;
            url = Encoding.UTF8.GetString(rest);
        }
        else if (rest.Length != 0) return null;
        return new TrackingPayload(source, (int)sourceId, (long)reference, (int)category, (long)composed, user, url);
    }

    private static int WriteVarint(Span<byte> buffer, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            buffer[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[i++] = (byte)value;
        return i;
    }

    private static bool ReadVarint(ref ReadOnlySpan<byte> bytes, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < bytes.Length; i++)
        {
            value |= (ulong)(bytes[i] & 0x7F) << (7 * i);
            if ((bytes[i] & 0x80) == 0)
            {
                bytes = bytes[(i + 1)..];
                return true;
            }
        }
        return false;
    }
}
