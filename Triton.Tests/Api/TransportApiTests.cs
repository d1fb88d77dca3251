using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Tests.Api;

public sealed class TransportApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    private Task<int> CountAsync() => factory.WithDbAsync(db => db.Transports.CountAsync());

    private Task<Transport> RowAsync(int id) => factory.WithDbAsync(db => db.Transports.AsNoTracking().SingleAsync(t => t.Id == id));

    private static object Smtp(string name, string? password = "s3cret") => new
    {
        name, kind = "smtp", host = "smtp.example.org", port = 587, security = "starttls", username = "mailer", password,
        maxConnections = 8, maxMessagesPerConnection = 500, ratePerSecond = 25.5, windowMessages = 1000, windowSeconds = 3600, acceptSelfSignedCertificate = true, allowAuthWithoutTls = false,
    };

    [Fact]
    public async Task Smtp_transport_round_trips_and_the_password_is_stored_protected_and_never_returned()
    {
        var created = await client.PostAsync("/api/transports", Problems.Json(Smtp("relay-1")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var text = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("s3cret", text);
        Assert.DoesNotContain("protectedPassword", text);
        var body = await created.ReadJsonAsync();
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal("smtp", body.GetProperty("kind").GetString());
        Assert.Equal("starttls", body.GetProperty("security").GetString());
        Assert.True(body.GetProperty("hasPassword").GetBoolean());

        var row = await RowAsync(id);
        Assert.Equal(587, row.Port);
        Assert.Equal(25.5, row.RatePerSecond);
        Assert.Equal((1000, 3600), (row.WindowMessages, row.WindowSeconds));
        Assert.Equal(3600, body.GetProperty("windowSeconds").GetInt32());
        Assert.True(row.AcceptSelfSignedCertificate);
        Assert.NotEqual("s3cret", row.ProtectedPassword);
        var passwords = factory.Services.GetRequiredService<TransportPasswords>();
        Assert.Equal("s3cret", passwords.Reveal(row.ProtectedPassword!, SmtpDestination.Of(row)));

        var read = await client.GetStringAsync($"/api/transports/{id}");
        Assert.DoesNotContain("s3cret", read);
        var list = await client.GetStringAsync("/api/transports");
        Assert.Contains("relay-1", list);
        Assert.DoesNotContain(row.ProtectedPassword!, list);
    }

    [Fact]
    public async Task Update_without_password_keeps_it_and_moves_updated_at()
    {
        var id = (await (await client.PostAsync("/api/transports", Problems.Json(Smtp("relay-keep")))).ReadJsonAsync()).GetProperty("id").GetInt32();
        var before = await RowAsync(id);
        // Same host, port, username and security: the stored password stays.
        var updated = await client.PutAsync($"/api/transports/{id}", Problems.Json(Smtp("relay-kept", password: null)));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await RowAsync(id);
        Assert.Equal(before.ProtectedPassword, after.ProtectedPassword);
        Assert.Equal("relay-kept", after.Name);
        Assert.True(after.UpdatedAt > before.UpdatedAt);

        var changed = await client.PutAsync($"/api/transports/{id}", Problems.Json(Smtp("relay-kept", "n3w")));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var passwords = factory.Services.GetRequiredService<TransportPasswords>();
        var row = await RowAsync(id);
        Assert.Equal("n3w", passwords.Reveal(row.ProtectedPassword!, SmtpDestination.Of(row)));
    }

    [Fact]
    public async Task Pickup_needs_no_host()
    {
        var created = await client.PostAsync("/api/transports", Problems.Json(new { name = "drop-folder", kind = "pickup", pickupDirectory = "drop-folder" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var row = await RowAsync((await created.ReadJsonAsync()).GetProperty("id").GetInt32());
        Assert.Equal(TransportKind.Pickup, row.Kind);
        Assert.Null(row.Host);
    }

    [Fact]
    public async Task Pickup_directories_outside_the_data_directory_are_refused_naming_the_field()
    {
        var data = factory.DataDirectory;
        var before = await CountAsync();
        foreach (var outside in new[] { "/tmp/pickup", "/etc", "..", "../elsewhere", "mail/../../elsewhere", data + "-sibling", Path.Combine(data, "..", "x") })
        {
            var response = await client.PostAsync("/api/transports", Problems.Json(new { name = "escape", kind = "pickup", pickupDirectory = outside }));
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "pickupDirectory");
        }
        Assert.Equal(before, await CountAsync());

        var inside = await client.PostAsync("/api/transports", Problems.Json(new { name = "inside", kind = "pickup", pickupDirectory = Path.Combine(data, "inside") }));
        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
        var id = (await inside.ReadJsonAsync()).GetProperty("id").GetInt32();
        var moved = await client.PutAsync($"/api/transports/{id}", Problems.Json(new { name = "inside", kind = "pickup", pickupDirectory = "inside/../../out" }));
        await moved.AssertProblemAsync(HttpStatusCode.BadRequest, "pickupDirectory");
        Assert.Equal(Path.Combine(data, "inside"), (await RowAsync(id)).PickupDirectory);
    }

    [Theory]
    [InlineData("""{"kind":"smtp","host":"h","port":25}""", "name")]
    [InlineData("""{"name":"t-a","host":"h","port":25}""", "kind")]
    [InlineData("""{"name":"t-a","kind":"carrier-pigeon"}""", "kind")]
    [InlineData("""{"name":"t-a","kind":"smtp","port":25}""", "host")]
    [InlineData("""{"name":"t-a","kind":"smtp","host":"h"}""", "port")]
    [InlineData("""{"name":"t-a","kind":"smtp","host":"h","port":70000}""", "port")]
    [InlineData("""{"name":"t-a","kind":"smtp","host":"h","port":"twenty"}""", "port")]
    [InlineData("""{"name":"t-a","kind":"smtp","host":"h","port":25,"security":"ssl3"}""", "security")]
    [InlineData("""{"name":"t-a","kind":"pickup","maxConnections":0}""", "maxConnections")]
    [InlineData("""{"name":"t-a","kind":"pickup","ratePerSecond":-1}""", "ratePerSecond")]
    [InlineData("""{"name":"t-a","kind":"pickup","windowMessages":100}""", "windowSeconds")]
    [InlineData("""{"name":"t-a","kind":"pickup","windowSeconds":60}""", "windowMessages")]
    [InlineData("""{"name":"t-a","kind":"pickup","windowMessages":-1,"windowSeconds":60}""", "windowMessages")]
    [InlineData("""{"name":"t-a","kind":"pickup","acceptSelfSignedCertificate":"yes"}""", "acceptSelfSignedCertificate")]
    [InlineData("""{"name":"t-a","kind":"pickup","group":"no-such-group"}""", "group")]
    [InlineData("""{"name":"t-a","kind":"pickup",""", "$")]
    public async Task Bad_input_names_the_field_and_changes_nothing(string json, string field)
    {
        var before = await CountAsync();
        var response = await client.PostAsync("/api/transports", Problems.Json(json));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Duplicate_name_and_bad_update_change_nothing()
    {
        var id = (await (await client.PostAsync("/api/transports", Problems.Json(Smtp("relay-dup")))).ReadJsonAsync()).GetProperty("id").GetInt32();
        var before = await CountAsync();
        await (await client.PostAsync("/api/transports", Problems.Json(Smtp("relay-dup")))).AssertProblemAsync(HttpStatusCode.BadRequest, "name");
        Assert.Equal(before, await CountAsync());

        var row = await RowAsync(id);
        await (await client.PutAsync($"/api/transports/{id}", Problems.Json(new { name = "relay-dup", kind = "smtp", port = 25, password = "leak" })))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "host");
        var after = await RowAsync(id);
        Assert.Equal(row.Host, after.Host);
        Assert.Equal(row.ProtectedPassword, after.ProtectedPassword);
        Assert.Equal(row.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task Unknown_ids_answer_404_and_oversized_bodies_413()
    {
        await (await client.GetAsync("/api/transports/99999")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PutAsync("/api/transports/99999", Problems.Json(Smtp("x")))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/transports/99999")).AssertProblemAsync(HttpStatusCode.NotFound);
        var before = await CountAsync();
        var huge = "{\"name\":\"big\",\"kind\":\"pickup\",\"username\":\"" + new string('u', 11 * 1024 * 1024) + "\"}";
        await (await client.PostAsync("/api/transports", Problems.Json(huge))).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Deleting_a_transport_used_by_a_campaign_answers_409()
    {
        var (template, list, transport) = await factory.SeedCampaignPartsAsync("tdel");
        await factory.WithDbAsync(async db =>
        {
            db.Campaigns.Add(new Campaign { Name = "uses-transport", TemplateId = template, ListId = list, TransportId = transport, FromAddress = "a@example.org", Subjects = ["s"] });
            return await db.SaveChangesAsync();
        });
        await (await client.DeleteAsync($"/api/transports/{transport}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.True(await factory.WithDbAsync(db => db.Transports.AnyAsync(t => t.Id == transport)));

        var free = (await (await client.PostAsync("/api/transports", Problems.Json(Smtp("relay-free")))).ReadJsonAsync()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/transports/{free}")).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Transports.AnyAsync(t => t.Id == free)));
    }

    [Fact]
    public async Task Deleting_a_transport_used_by_a_trigger_answers_409_naming_it()
    {
        var (template, _, transport) = await factory.SeedCampaignPartsAsync("tdeltrig");
        await factory.WithDbAsync(async db =>
        {
            var contract = new EventContract { Name = "TransportInUse" + Guid.NewGuid().ToString("N")[..6] };
            db.EventContracts.Add(contract);
            await db.SaveChangesAsync();
            db.Triggers.Add(new Trigger { Name = "uses-transport-trigger", ContractId = contract.Id, TemplateId = template, TransportId = transport, FromAddress = "a@example.org", Subjects = ["s"] });
            return await db.SaveChangesAsync();
        });
        var problem = await (await client.DeleteAsync($"/api/transports/{transport}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("uses-transport-trigger", problem.ToString());
        Assert.True(await factory.WithDbAsync(db => db.Transports.AnyAsync(t => t.Id == transport)));
    }
}
