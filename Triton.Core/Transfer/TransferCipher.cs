using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Triton.Core.Transfer;

/// <summary>
/// The .triton envelope: a header, then the document in chunks, each sealed with AES-256-GCM under a key
/// derived (HKDF-SHA256) from Triton:TransferKey and the file's own salt. Chunks let a list's recipients
/// stream through in both directions instead of the whole file sitting in memory. Every chunk authenticates
/// the header, its own position and whether it is the last, so a flipped byte, a reordered, dropped or
/// appended chunk, a cut-off file or another key all fail to open.
/// </summary>
/// <remarks>
/// Layout: "TRITON" | format version (1 byte) | salt (16) | nonce prefix (8), then per chunk: plaintext length
/// (4, big-endian) | ciphertext | tag (16). The nonce of chunk n is the prefix followed by n (4, big-endian);
/// the associated data is the header, n and a last-chunk flag.
/// </remarks>
public static class TransferCipher
{
    public const byte FormatVersion = 1;
    private static readonly byte[] Magic = "TRITON"u8.ToArray();
    private const int SaltLength = 16, PrefixLength = 8, TagLength = 16;
    private static readonly int HeaderLength = Magic.Length + 1 + SaltLength + PrefixLength;
    public const int ChunkSize = 64 * 1024;

    private static byte[] DeriveKey(string secret, ReadOnlySpan<byte> salt) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt.ToArray(), "Triton.Transfer.v1"u8.ToArray());

    /// <summary>A write-only stream that seals what is written to it into <paramref name="output"/>; disposing it writes the last chunk.</summary>
    public static Stream Seal(Stream output, string secret) => new SealingStream(output, secret);

    /// <summary>A read-only stream of the document inside <paramref name="input"/>.</summary>
    /// <exception cref="TransferFileException">On read: the file is not a .triton file, was altered, or was sealed with another key.</exception>
    public static Stream Open(Stream input, string secret) => new OpeningStream(input, secret);

    private static byte[] Nonce(ReadOnlySpan<byte> prefix, uint index)
    {
        var nonce = new byte[12];
        prefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), index);
        return nonce;
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> header, uint index, bool last)
    {
        var data = new byte[header.Length + 5];
        header.CopyTo(data);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(header.Length), index);
        data[^1] = last ? (byte)1 : (byte)0;
        return data;
    }

    private sealed class SealingStream : Stream
    {
        private readonly Stream _output;
        private readonly AesGcm _aes;
        private readonly byte[] _header;
        private readonly byte[] _buffer = new byte[ChunkSize];
        private int _filled;
        private uint _index;
        private bool _headerWritten, _closed;

        public SealingStream(Stream output, string secret)
        {
            _output = output;
            _header = new byte[HeaderLength];
            Magic.CopyTo(_header, 0);
            _header[Magic.Length] = FormatVersion;
            RandomNumberGenerator.Fill(_header.AsSpan(Magic.Length + 1));
            _aes = new AesGcm(DeriveKey(secret, _header.AsSpan(Magic.Length + 1, SaltLength)), TagLength);
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            while (data.Length > 0)
            {
                // A full buffer is sealed only when more follows, so the last chunk is always known as last.
                if (_filled == ChunkSize) await SealChunkAsync(last: false, cancellationToken);
                var take = Math.Min(ChunkSize - _filled, data.Length);
                data.Span[..take].CopyTo(_buffer.AsSpan(_filled));
                _filled += take;
                data = data[take..];
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private async Task SealChunkAsync(bool last, CancellationToken cancellationToken)
        {
            if (!_headerWritten)
            {
                await _output.WriteAsync(_header, cancellationToken);
                _headerWritten = true;
            }
            var frame = new byte[4 + _filled + TagLength];
            BinaryPrimitives.WriteInt32BigEndian(frame, _filled);
            _aes.Encrypt(Nonce(_header.AsSpan(Magic.Length + 1 + SaltLength), _index), _buffer.AsSpan(0, _filled),
                frame.AsSpan(4, _filled), frame.AsSpan(4 + _filled), AssociatedData(_header, _index, last));
            await _output.WriteAsync(frame, cancellationToken);
            _index++;
            _filled = 0;
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_closed)
            {
                _closed = true;
                await SealChunkAsync(last: true, CancellationToken.None);
                await _output.FlushAsync();
                _aes.Dispose();
            }
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed) DisposeAsync().AsTask().GetAwaiter().GetResult();
            base.Dispose(disposing);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class OpeningStream(Stream input, string secret) : Stream
    {
        private byte[]? _header;
        private AesGcm? _aes;
        private byte[] _plain = [];
        private int _position;
        private uint _index;
        private bool _ended;

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            while (_position == _plain.Length)
            {
                if (_ended) return 0;
                await OpenChunkAsync(cancellationToken);
            }
            var take = Math.Min(destination.Length, _plain.Length - _position);
            _plain.AsSpan(_position, take).CopyTo(destination.Span);
            _position += take;
            return take;
        }

        private async Task OpenChunkAsync(CancellationToken cancellationToken)
        {
            if (_header is null)
            {
                var header = new byte[HeaderLength];
                if (!await FillAsync(header, cancellationToken) || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                    throw new TransferFileException("This is not a .triton file.");
                if (header[Magic.Length] != FormatVersion)
                    throw new TransferFileException($"This .triton file has format version {header[Magic.Length]}; this Triton reads version {FormatVersion}.");
                _header = header;
                _aes = new AesGcm(DeriveKey(secret, header.AsSpan(Magic.Length + 1, SaltLength)), TagLength);
            }
            var lengthBytes = new byte[4];
            if (!await FillAsync(lengthBytes, cancellationToken)) throw Altered();
            var length = BinaryPrimitives.ReadInt32BigEndian(lengthBytes);
            if (length < 0 || length > ChunkSize) throw Altered();
            var sealedChunk = new byte[length + TagLength];
            if (!await FillAsync(sealedChunk, cancellationToken)) throw Altered();
            var plain = new byte[length];
            var nonce = Nonce(_header.AsSpan(Magic.Length + 1 + SaltLength), _index);
            // A chunk opens as the last one or as one followed by more; the flag is part of what the tag covers.
            var last = TryDecrypt(nonce, sealedChunk, plain, AssociatedData(_header, _index, true));
            if (!last && !TryDecrypt(nonce, sealedChunk, plain, AssociatedData(_header, _index, false))) throw Altered();
            if (last)
            {
                var extra = new byte[1];
                if (await input.ReadAsync(extra, cancellationToken) != 0) throw Altered();
                _ended = true;
            }
            _index++;
            _plain = plain;
            _position = 0;
        }

        private bool TryDecrypt(byte[] nonce, byte[] sealedChunk, byte[] plain, byte[] associated)
        {
            try
            {
                _aes!.Decrypt(nonce, sealedChunk.AsSpan(0, plain.Length), sealedChunk.AsSpan(plain.Length), plain, associated);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }

        private async Task<bool> FillAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await input.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0) return false;
                read += n;
            }
            return true;
        }

        private static TransferFileException Altered() =>
            new("The file was altered, cut short, or sealed with another transfer key (Triton:TransferKey).");

        protected override void Dispose(bool disposing)
        {
            if (disposing) _aes?.Dispose();
            base.Dispose(disposing);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A .triton file that cannot be opened: not one, altered, or sealed with another key. Nothing was changed.</summary>
public sealed class TransferFileException(string reason) : Exception(reason);
