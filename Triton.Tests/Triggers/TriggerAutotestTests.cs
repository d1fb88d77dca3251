using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Triggers;
using Triton.Tests.Infrastructure;
using Triton.Tests.Sending;

namespace Triton.Tests.Triggers;

/// <summary>The trigger test renders every active trigger with its test values, records each result, emails admins the failures.</summary>
public sealed class TriggerAutotestTests
{
    private static async Task SeedAsync(HttpClient api)
    {
        var template = (await (await api.PostAsJsonAsync("/api/templates", new { name = "T", body = "<p>{{code}}</p>" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var transport = (await (await api.PostAsJsonAsync("/api/transports", new { name = "P", kind = "pickup", pickupDirectory = "pickup" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        foreach (var (eventName, subject) in new[] { ("Good", "Code {{code}}"), ("Broken", "Code {{#each}}") })
        {
            (await api.PostAsJsonAsync("/api/contracts", new { name = eventName, variables = new[] { new { name = "code", testValue = "1" } } })).EnsureSuccessStatusCode();
            (await api.PostAsJsonAsync("/api/triggers", new
            {
                name = eventName + " mail", @event = eventName, templateId = template, transportId = transport,
                subjects = new[] { subject }, fromAddress = "noreply@example.com", active = true,
            })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Failing_triggers_are_recorded_and_emailed_to_the_admins()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, new()
        {
            ["Triton:Bootstrap:AdminEmail"] = "boss@example.com", ["Triton:Bootstrap:AdminPassword"] = "A-long-password-1",
        });
        using var api = scenario.CreateApiClient();
        await SeedAsync(api);

        var results = await scenario.Services.GetRequiredService<TriggerAutotest>().RunAsync(email: true, default);

        Assert.Null(Assert.Single(results, r => r.Event == "Good").Error);
        Assert.NotNull(Assert.Single(results, r => r.Event == "Broken").Error);
        var triggers = await api.GetFromJsonAsync<JsonElement>("/api/triggers");
        var broken = triggers.EnumerateArray().Single(t => t.GetProperty("event").GetString() == "Broken");
        Assert.Contains("Subject 1", broken.GetProperty("lastTestError").GetString());
        var good = triggers.EnumerateArray().Single(t => t.GetProperty("event").GetString() == "Good");
        Assert.Equal(JsonValueKind.Null, good.GetProperty("lastTestError").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, good.GetProperty("lastTestAt").ValueKind);

        var notice = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(scenario.PickupDirectory, "*.eml")));
        Assert.Contains("boss@example.com", notice);
        Assert.Contains("Subject: Triton: 1 trigger(s) fail their test", notice);
        Assert.Contains("Broken mail (Broken)", notice);
    }

    [Fact]
    public async Task The_autotest_command_lists_each_trigger_and_exits_1_on_failures()
    {
        await using var database = new SqliteTestDatabase();
        var data = Directory.CreateTempSubdirectory("triton-autotest-").FullName;
        await using (var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, database: database))
        {
            using var api = scenario.CreateApiClient();
            await SeedAsync(api);
        }
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Triton.Web.dll"), "autotest", "--no-email"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data,
        };
        start.Environment["Triton__DataDirectory"] = data;
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["ConnectionStrings__Triton"] = database.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("ok    Good mail (Good)", output);
        Assert.Contains("FAIL  Broken mail (Broken)", output);
        Assert.Contains("1 passed, 1 failed", output);
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }
}
