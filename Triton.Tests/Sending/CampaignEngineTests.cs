using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Tests.Sending;

/// <summary>The engine end to end on a real database; run once per provider by the classes below.</summary>
public abstract class CampaignEngineTests(DatabaseProvider provider)
{
    private Task<EngineScenario> StartAsync(Dictionary<string, string?>? settings = null, ScriptedTransport? scripted = null) =>
        EngineScenario.StartAsync(provider, settings, scripted);

    [Fact]
    public async Task Run_sends_every_recipient_exactly_once_and_finishes_with_exact_counters()
    {
        await using var scenario = await StartAsync();
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(450));

        Assert.Equal(CommandStatus.Done, (await scenario.Commands.RunAsync(id, default)).Status);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);

        Assert.Equal(450, done.Progress.Plan);
        Assert.Equal(450, done.Progress.Enqueued);
        Assert.Equal(450, done.Progress.Sent);
        Assert.Equal(done.Progress.Plan, done.Progress.Processed);
        var files = scenario.PickedUpRecipients();
        Assert.Equal(450, files.Count);
        Assert.Equal(450, files.Distinct().Count());
        var sample = File.ReadAllText(Directory.EnumerateFiles(scenario.PickupDirectory).First());
        Assert.Contains("Subject: Hi N", sample);
        Assert.Contains("welcome", sample);
        var run = Assert.Single(await scenario.RunsAsync(id));
        Assert.Equal(RunOutcome.Finished, run.Outcome);
        Assert.Equal(450, run.Sent);
        Assert.All(await scenario.DeliveriesAsync(id), d => Assert.Equal(DeliveryStatus.Sent, d.Status));
    }

    [Fact]
    public async Task A_campaign_finishes_when_its_last_result_is_recorded_not_at_the_next_poll()
    {
        // The coordinator's own poll would come only after a minute.
        await using var scenario = await StartAsync(new() { ["Sending:PollMilliseconds"] = "60000" });
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(30));

        Assert.Equal(CommandStatus.Done, (await scenario.Commands.RunAsync(id, default)).Status);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished, seconds: 20);

        Assert.Equal(30, done.Progress.Sent);
        Assert.Equal(RunOutcome.Finished, Assert.Single(await scenario.RunsAsync(id)).Outcome);
    }

    [Fact]
    public async Task Pause_holds_the_counters_and_run_resumes_without_sending_anyone_twice()
    {
        await using var scenario = await StartAsync();
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(600), ratePerSecond: 400, concurrency: 4);

        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.Progress.Sent >= 100);
        var paused = await scenario.Commands.PauseAsync(id, default);
        var writtenAtPause = scenario.PickedUpRecipients().Count;
        Assert.Equal(CommandStatus.Done, paused.Status);
        // The answer says where the command left the campaign (pages show it at once), as the database does.
        Assert.Equal(CampaignState.Paused, paused.State);
        Assert.Equal(CampaignState.Paused, (await scenario.CampaignAsync(id)).State);
        // No message starts after the answer: only the few in flight (the concurrency) may still land,
        // and once they settle every message written is recorded.
        await Task.Delay(500);
        var settled = await scenario.CampaignAsync(id);
        var writtenAfter = scenario.PickedUpRecipients().Count;
        Assert.InRange(writtenAfter, writtenAtPause, writtenAtPause + 4);
        Assert.Equal(writtenAfter, settled.Progress.Sent);
        await Task.Delay(500);
        Assert.Equal(settled.Progress.Sent, (await scenario.CampaignAsync(id)).Progress.Sent);
        Assert.Equal(writtenAfter, scenario.PickedUpRecipients().Count);
        Assert.True(settled.Progress.Sent < 600, "the pause came too late to observe");

        Assert.Equal(CommandStatus.Done, (await scenario.Commands.RunAsync(id, default)).Status);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        Assert.Equal(600, done.Progress.Sent);
        var files = scenario.PickedUpRecipients();
        Assert.Equal(600, files.Count);
        Assert.Equal(600, files.Distinct().Count());
        var runs = await scenario.RunsAsync(id);
        Assert.Equal([RunOutcome.Paused, RunOutcome.Finished], runs.Select(r => r.Outcome));
    }

    [Fact]
    public async Task Pause_on_a_throttled_transport_releases_the_messages_still_waiting_for_their_turn()
    {
        await using var scenario = await StartAsync();
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(40), ratePerSecond: 10, concurrency: 8);

        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.Progress.Sent >= 3);
        Assert.Equal(CommandStatus.Done, (await scenario.Commands.PauseAsync(id, default)).Status);
        var writtenAtPause = scenario.PickedUpRecipients().Count;
        // Eight workers were queued on the 10/s limit; none of them may go out after the answer.
        await Task.Delay(1500);
        Assert.InRange(scenario.PickedUpRecipients().Count, writtenAtPause, writtenAtPause + 1);
        var paused = await scenario.CampaignAsync(id);
        Assert.Equal(scenario.PickedUpRecipients().Count, paused.Progress.Sent);

        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        Assert.Equal(40, done.Progress.Sent);
        Assert.Equal(40, scenario.PickedUpRecipients().Distinct().Count());
        Assert.Equal(40, scenario.PickedUpRecipients().Count);
    }

    [Fact]
    public async Task Stop_forgets_progress_and_the_next_run_sends_to_everyone_again()
    {
        await using var scenario = await StartAsync();
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(120));
        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);

        var stop = await scenario.Commands.StopAsync(id, default);
        Assert.Equal(CommandStatus.Done, stop.Status);
        Assert.Equal(CampaignState.Idle, stop.State);
        var stopped = await scenario.CampaignAsync(id);
        Assert.Equal(CampaignState.Idle, stopped.State);
        Assert.Equal(2, stopped.Generation);
        Assert.Equal(0, stopped.Progress.Sent + stopped.Progress.Plan + stopped.Progress.Enqueued);

        await scenario.Commands.RunAsync(id, default);
        var again = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        Assert.Equal(120, again.Progress.Sent);
        var files = scenario.PickedUpRecipients();
        Assert.Equal(240, files.Count);
        Assert.All(files.GroupBy(f => f), g => Assert.Equal(2, g.Count()));
    }

    [Fact]
    public async Task Actions_the_state_forbids_answer_conflict_with_a_reason_and_change_nothing()
    {
        await using var scenario = await StartAsync(new() { ["Sending:Workers"] = "0" });
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(3));

        var pause = await scenario.Commands.PauseAsync(id, default);
        Assert.Equal(CommandStatus.Conflict, pause.Status);
        Assert.Contains("Idle", pause.Reason);
        Assert.Equal(CommandStatus.Conflict, (await scenario.Commands.StopAsync(id, default)).Status);
        Assert.Equal(CommandStatus.Conflict, (await scenario.Commands.RetryFailedAsync(id, default)).Status);
        Assert.Equal(CommandStatus.NotFound, (await scenario.Commands.RunAsync(9999, default)).Status);

        var run = await scenario.Commands.RunAsync(id, default);
        Assert.Equal(CommandStatus.Done, run.Status);
        Assert.Equal(CampaignState.Pending, run.State);
        var refused = await scenario.Commands.RunAsync(id, default);
        Assert.Equal(CommandStatus.Conflict, refused.Status);
        Assert.Null(refused.State);
        var campaign = await scenario.CampaignAsync(id);
        Assert.True(campaign.State is CampaignState.Pending or CampaignState.Running);
        Assert.Equal(1, campaign.Generation);
    }

    [Fact]
    public async Task Two_racing_pauses_resolve_to_one_pause_and_one_conflict()
    {
        await using var scenario = await StartAsync();
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(400), ratePerSecond: 100);
        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Running);

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => scenario.Commands.PauseAsync(id, default))));
        Assert.Single(results, r => r.Status == CommandStatus.Done);
        Assert.Single(results, r => r.Status == CommandStatus.Conflict);
        var runs = await scenario.RunsAsync(id);
        Assert.Equal(RunOutcome.Paused, Assert.Single(runs).Outcome);
    }

    [Fact]
    public async Task Transient_failures_retry_and_permanent_ones_bounce_or_fail_at_once()
    {
        var scripted = new ScriptedTransport();
        await using var scenario = await StartAsync(new() { ["Sending:MaxAttempts"] = "3" }, scripted);
        string[] emails = ["ok0@x.test", "transient2-a@x.test", "transient5-b@x.test", "bounce-c@x.test", "reject-d@x.test", "ok1@x.test"];
        var id = await scenario.CreateCampaignAsync(emails);
        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);

        Assert.Equal(3, done.Progress.Sent);      // ok0, ok1 and transient2 on its third attempt
        Assert.Equal(2, done.Progress.Failed);    // transient5 out of attempts, reject at once
        Assert.Equal(1, done.Progress.Bounced);
        Assert.Equal(done.Progress.Plan, done.Progress.Processed);
        Assert.Equal(3, scripted.AttemptsFor("transient2-a@x.test"));
        Assert.Equal(3, scripted.AttemptsFor("transient5-b@x.test"));
        Assert.Equal(1, scripted.AttemptsFor("bounce-c@x.test"));
        Assert.Equal(1, scripted.AttemptsFor("reject-d@x.test"));
        var deliveries = (await scenario.DeliveriesAsync(id)).ToDictionary(d => d.Email);
        Assert.Equal(DeliveryStatus.Bounced, deliveries["bounce-c@x.test"].Status);
        Assert.Equal(550, deliveries["bounce-c@x.test"].ReplyCode);
        Assert.Contains("451", deliveries["transient5-b@x.test"].LastReply);
        Assert.Equal(3, deliveries["transient2-a@x.test"].Attempts);

        // Retry only the failed ones, with the fault gone: the finished campaign is due again.
        var retry = await scenario.Commands.RetryFailedAsync(id, default);
        Assert.Equal(CommandStatus.Done, retry.Status);
        Assert.Equal(CampaignState.Pending, retry.State);
        var retried = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        Assert.Equal(4, retried.Progress.Sent); // transient5 now gets through; reject is refused again
        Assert.Equal(1, retried.Progress.Failed);
        Assert.Equal(1, retried.Progress.Bounced);
        Assert.Equal(retried.Progress.Plan, retried.Progress.Processed);
    }

    [Fact]
    public async Task Too_many_send_errors_pause_the_campaign_with_the_reason_on_its_run()
    {
        var scripted = new ScriptedTransport { ForceOutcome = SendOutcome.Rejected };
        await using var scenario = await StartAsync(new() { ["Sending:MaxSendErrors"] = "5" }, scripted);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(300), concurrency: 2);
        await scenario.Commands.RunAsync(id, default);
        var paused = await scenario.WaitForAsync(id, c => c.State == CampaignState.Paused);

        Assert.Contains("MaxSendErrors", paused.StateReason);
        Assert.InRange(paused.Progress.Failed, 5, 5 + 2); // at most the concurrency past the limit
        var run = Assert.Single(await scenario.RunsAsync(id));
        Assert.Equal(RunOutcome.AutoPaused, run.Outcome);
        Assert.Contains("send errors", run.Error);
    }

    [Fact]
    public async Task A_transport_failure_pauses_the_campaign_with_the_servers_words_and_loses_nobody()
    {
        var scripted = new ScriptedTransport { ForceOutcome = SendOutcome.TransportFailure };
        await using var scenario = await StartAsync(scripted: scripted);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(50));
        await scenario.Commands.RunAsync(id, default);
        var paused = await scenario.WaitForAsync(id, c => c.State == CampaignState.Paused);
        Assert.Contains("forced by the test", paused.StateReason);
        Assert.Equal(0, paused.Progress.Failed);

        scripted.ForceOutcome = null;
        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        Assert.Equal(50, done.Progress.Sent);
        Assert.Equal(50, scripted.Accepted.Select(m => m.To.Address).Distinct().Count());
    }

    [Fact]
    public async Task Campaigns_progress_together_when_unlimited_and_one_at_a_time_with_max_one()
    {
        await using (var together = await StartAsync(new() { ["Sending:MaxParallelCampaigns"] = "0" }))
        {
            var a = await together.CreateCampaignAsync(EngineScenario.Addresses(300, "a"), "A", ratePerSecond: 150);
            var b = await together.CreateCampaignAsync(EngineScenario.Addresses(300, "b"), "B", ratePerSecond: 150);
            await together.Commands.RunAsync(a, default);
            await together.Commands.RunAsync(b, default);
            await together.WaitForAsync(a, c => c.Progress.Sent >= 50);
            var bWhileARuns = await together.WaitForAsync(b, c => c.Progress.Sent >= 50);
            Assert.NotEqual(CampaignState.Finished, (await together.CampaignAsync(a)).State);
            Assert.Equal(CampaignState.Running, bWhileARuns.State);
            await together.WaitForAsync(a, c => c.State == CampaignState.Finished);
            await together.WaitForAsync(b, c => c.State == CampaignState.Finished);
        }

        await using var oneAtATime = await StartAsync(new() { ["Sending:MaxParallelCampaigns"] = "1" });
        var first = await oneAtATime.CreateCampaignAsync(EngineScenario.Addresses(200, "f"), "First", ratePerSecond: 400);
        var second = await oneAtATime.CreateCampaignAsync(EngineScenario.Addresses(200, "s"), "Second", ratePerSecond: 400);
        await oneAtATime.Commands.RunAsync(first, default);
        await oneAtATime.WaitForAsync(first, c => c.State == CampaignState.Running);
        await oneAtATime.Commands.RunAsync(second, default);
        await oneAtATime.WaitForAsync(first, c => c.Progress.Sent >= 50);
        var waiting = await oneAtATime.CampaignAsync(second);
        Assert.Equal(CampaignState.Pending, waiting.State);
        Assert.Equal(0, waiting.Progress.Sent);
        await oneAtATime.WaitForAsync(first, c => c.State == CampaignState.Finished);
        var secondDone = await oneAtATime.WaitForAsync(second, c => c.State == CampaignState.Finished);
        Assert.Equal(200, secondDone.Progress.Sent);
    }

    [Fact]
    public async Task A_helper_failing_on_one_recipients_data_fails_that_delivery_and_the_campaign_goes_on()
    {
        await using var scenario = await StartAsync();
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(20),
            configure: c => c.Subjects = ["On {{formatDate first_name \"yyyy-MM-dd\"}}"]);
        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        Assert.Equal(20, done.Progress.Failed);
        Assert.All(await scenario.DeliveriesAsync(id), d => Assert.StartsWith("Template error", d.LastReply));
    }
}

public sealed class SqliteCampaignEngineTests() : CampaignEngineTests(DatabaseProvider.Sqlite);

[Collection("postgres")]
public sealed class PostgresCampaignEngineTests() : CampaignEngineTests(DatabaseProvider.Postgres);
