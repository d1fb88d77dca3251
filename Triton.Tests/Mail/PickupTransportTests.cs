using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Pickup;

namespace Triton.Tests.Mail;

public sealed class PickupTransportTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("triton-pickup-").FullName;
    private readonly MimeMessageBuilder _writer = MailParts.Builder();

    private TransportRegistry Registry() => new(Options.Create(new TritonOptions { DataDirectory = _data }), _writer,
        MailParts.SmtpBuilder(),
        NullLogger<TransportRegistry>.Instance);

    [Fact]
    public async Task Writes_one_eml_per_message_with_the_bytes_smtp_would_send_and_no_temp_files()
    {
        await using var registry = Registry();
        var transport = registry.For(new Transport { Id = 1, Name = "pickup", Kind = TransportKind.Pickup });
        var messages = Enumerable.Range(0, 20).Select(i => new OutgoingMessage
        {
            From = new("a@x.test"), To = new($"r{i}@x.test"), Subject = $"s{i}", Html = $"<p>{i}</p>", MessageId = $"m{i}@x.test",
        }).ToList();

        var results = await Task.WhenAll(messages.Select(m => transport.SendAsync(m, CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(SendOutcome.Accepted, r.Outcome));
        var directory = Path.Combine(_data, "pickup");
        var files = Directory.GetFiles(directory);
        Assert.Equal(20, files.Length);
        Assert.All(files, f => Assert.EndsWith(".eml", f));
        foreach (var message in messages)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, message.MessageId + ".eml"));
            Assert.Equal(_writer.Build(message).ToBytes(), bytes);
        }
    }

    [Fact]
    public void Relative_directories_resolve_against_the_data_directory()
    {
        var registry = Registry();
        Assert.Equal(Path.Combine(_data, "out", "mail"), registry.ResolvePickupDirectory(new Transport { Name = "p", PickupDirectory = "out/mail" }));
        var absolute = Path.Combine(_data, "abs");
        Assert.Equal(absolute, registry.ResolvePickupDirectory(new Transport { Name = "p", PickupDirectory = absolute }));
    }

    [Fact]
    public async Task Registry_shares_one_transport_per_row_and_builds_a_new_version_when_the_row_changes()
    {
        await using var registry = Registry();
        var row = new Transport { Id = 7, Name = "p", Kind = TransportKind.Pickup, UpdatedAt = DateTimeOffset.UnixEpoch };
        var shared = registry.For(row);
        var first = shared.Current;
        Assert.Same(shared, registry.For(row));
        Assert.Same(first, shared.Current);
        row.UpdatedAt = row.UpdatedAt.AddMinutes(1);
        row.PickupDirectory = "other";
        Assert.Same(shared, registry.For(row));
        var second = Assert.IsType<PickupTransport>(shared.Current);
        Assert.NotSame(first, second);
        Assert.Equal(Path.Combine(_data, "other"), second.Directory);
    }

    [Fact]
    public async Task Rate_limit_applies_to_pickup()
    {
        await using var limiter = new TransportRateLimiter(10);
        var transport = new PickupTransport(Path.Combine(_data, "rl"), _writer, null, limiter);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 25; i++)
            await transport.SendAsync(new OutgoingMessage { From = new("a@x.test"), To = new("b@x.test"), Subject = "s", Text = "t", MessageId = $"r{i}@x.test" }, CancellationToken.None);
        // 25 messages at 10/s: the first window's tokens are free, the rest wait about 1.5 s.
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.2, 10);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
