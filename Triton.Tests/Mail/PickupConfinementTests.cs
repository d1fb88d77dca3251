using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Mail.Pickup;
using Triton.Tests.Sending;

namespace Triton.Tests.Mail;

/// <summary>Pickup transports write inside the data directory only, even from a row stored before that rule.</summary>
public sealed class PickupConfinementTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("triton-confined-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("triton-outside-").FullName;
    private readonly MimeMessageBuilder _writer = MailParts.Builder();

    private TritonOptions Triton => new() { DataDirectory = _data };

    private TransportRegistry Factory() => new(Options.Create(Triton), _writer,
        MailParts.SmtpBuilder(),
        NullLogger<TransportRegistry>.Instance);

    [Fact]
    public void Relative_and_absolute_paths_inside_the_data_directory_resolve_and_others_do_not()
    {
        Assert.Equal(Path.Combine(_data, "pickup"), PickupDirectories.TryResolve(Triton, null));
        Assert.Equal(Path.Combine(_data, "pickup"), PickupDirectories.TryResolve(Triton, "  "));
        Assert.Equal(Path.Combine(_data, "out", "mail"), PickupDirectories.TryResolve(Triton, "out/mail/"));
        Assert.Equal(Path.Combine(_data, "mail"), PickupDirectories.TryResolve(Triton, "out/../mail"));
        Assert.Equal(Path.Combine(_data, "abs"), PickupDirectories.TryResolve(Triton, Path.Combine(_data, "abs")));
        Assert.Equal(_data, PickupDirectories.TryResolve(Triton, "."));

        Assert.Null(PickupDirectories.TryResolve(Triton, _outside));
        Assert.Null(PickupDirectories.TryResolve(Triton, "/etc"));
        Assert.Null(PickupDirectories.TryResolve(Triton, ".."));
        Assert.Null(PickupDirectories.TryResolve(Triton, "../" + Path.GetFileName(_outside)));
        Assert.Null(PickupDirectories.TryResolve(Triton, "out/../../elsewhere"));
        Assert.Null(PickupDirectories.TryResolve(Triton, Path.Combine(_data, "..", "elsewhere")));
        // A sibling whose name starts with the data directory's is still outside it.
        Assert.Null(PickupDirectories.TryResolve(Triton, _data + "-old"));
        Assert.Null(PickupDirectories.TryResolve(Triton, "../" + Path.GetFileName(_data) + "-old"));
    }

    [Fact]
    public async Task A_stored_row_outside_the_data_directory_builds_no_transport_and_fails_its_connection_test()
    {
        var row = new Transport { Id = 3, Name = "escaped", Kind = TransportKind.Pickup, PickupDirectory = Path.Combine(_outside, "mail") };
        await using var factory = Factory();

        var refused = Assert.Throws<InvalidOperationException>(() => factory.For(row));
        Assert.Contains("inside the data directory", refused.Message);

        var tester = new TransportConnectionTester(
            MailParts.SmtpBuilder(), factory);
        var report = await tester.TestAsync(row, CancellationToken.None);
        Assert.False(report.Success);
        Assert.Contains("inside the data directory", report.Error);
        Assert.False(Directory.Exists(Path.Combine(_outside, "mail")));
    }

    [Fact]
    public async Task A_campaign_on_a_row_outside_the_data_directory_pauses_and_writes_nothing_there()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite);
        var target = Path.Combine(_outside, "campaign");
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(5), transport: t => t.PickupDirectory = target);

        Assert.Equal(CommandStatus.Done, (await scenario.Commands.RunAsync(id, default)).Status);
        var paused = await scenario.WaitForAsync(id, c => c.State == CampaignState.Paused);

        Assert.Contains("inside the data directory", paused.StateReason);
        Assert.Equal(0, paused.Progress.Sent);
        Assert.False(Directory.Exists(target));
    }

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }
}
