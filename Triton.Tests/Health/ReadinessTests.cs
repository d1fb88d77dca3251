using System.Net;
using System.Text.Json;
using Triton.Core.Data;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Health;

/// <summary>/health/ready answers each part as JSON, without signing in, and 503 when one part fails.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Ready_reports_every_part_and_answers_200_when_all_are_healthy()
    {
        await using var database = new SqliteTestDatabase();
        await using var app = new TritonAppFactory(database);
        using var client = app.CreateClient();

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        foreach (var part in new[] { "database", "directories", "queue", "scheduler" })
            Assert.Equal("Healthy", checks.GetProperty(part).GetProperty("status").GetString());
        Assert.Equal(0, checks.GetProperty("queue").GetProperty("data").GetProperty("depth").GetInt64());
        Assert.Equal("writable", checks.GetProperty("directories").GetProperty("data").GetProperty("pickup").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [LocalFaultFact]
    public async Task A_read_only_pickup_directory_makes_the_instance_not_ready_until_it_is_writable_again()
    {
        await using var database = new SqliteTestDatabase();
        await using var app = new TritonAppFactory(database);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var pickup = Directory.CreateDirectory(Path.Combine(app.DataDirectory, "pickup")).FullName;
        using var mounts = new SmallFileSystem(1);
        mounts.MakeReadOnly(pickup);

        var response = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var directories = body.GetProperty("checks").GetProperty("directories");
        Assert.Equal("Unhealthy", directories.GetProperty("status").GetString());
        Assert.Equal("not writable: Read-only file system.", directories.GetProperty("data").GetProperty("pickup").GetString());
        Assert.Equal("writable", directories.GetProperty("data").GetProperty("data").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        // Liveness stays up: the process is fine, it only cannot take work.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        mounts.MakeWritable(pickup);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }
}
