using System.Net;
using Microsoft.EntityFrameworkCore;

namespace Triton.Tests.Api;

public sealed class GroupApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    private Task<int> CountAsync() => factory.WithDbAsync(db => db.Groups.CountAsync());

    [Fact]
    public async Task Create_read_update_list_delete()
    {
        var created = await client.PostAsync("/api/groups", Problems.Json(new { name = "Newsletters", scope = "campaign" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal("campaign", body.GetProperty("scope").GetString());
        Assert.Equal($"/api/groups/{id}", created.Headers.Location!.OriginalString);

        var read = await (await client.GetAsync($"/api/groups/{id}")).ReadJsonAsync();
        Assert.Equal("Newsletters", read.GetProperty("name").GetString());

        var updated = await client.PutAsync($"/api/groups/{id}", Problems.Json(new { name = "Weekly", scope = "campaign" }));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Weekly", (await factory.WithDbAsync(db => db.Groups.SingleAsync(g => g.Id == id))).Name);

        var list = await (await client.GetAsync("/api/groups?scope=campaign")).ReadJsonAsync();
        Assert.Contains(list.EnumerateArray(), g => g.GetProperty("id").GetInt32() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/groups/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/groups/{id}")).StatusCode);
    }

    [Fact]
    public async Task Same_name_is_allowed_in_another_scope_and_refused_in_the_same()
    {
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/groups", Problems.Json(new { name = "Shared", scope = "template" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/groups", Problems.Json(new { name = "Shared", scope = "list" }))).StatusCode);
        var before = await CountAsync();
        var duplicate = await client.PostAsync("/api/groups", Problems.Json(new { name = "Shared", scope = "template" }));
        await duplicate.AssertProblemAsync(HttpStatusCode.BadRequest, "name");
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("""{"scope":"campaign"}""", "name")]
    [InlineData("""{"name":"x"}""", "scope")]
    [InlineData("""{"name":"x","scope":"planet"}""", "scope")]
    [InlineData("""{"name":"x","scope":"1"}""", "scope")]
    [InlineData("""{"name":12,"scope":"campaign"}""", "name")]
    [InlineData("""{"name":"x","scope":"campaign" """, "$")]
    public async Task Bad_input_names_the_field_and_changes_nothing(string json, string field)
    {
        var before = await CountAsync();
        var response = await client.PostAsync("/api/groups", Problems.Json(json));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Update_with_bad_input_leaves_the_row_as_it_was()
    {
        var id = (await (await client.PostAsync("/api/groups", Problems.Json(new { name = "Keep", scope = "category" }))).ReadJsonAsync()).GetProperty("id").GetInt32();
        var response = await client.PutAsync($"/api/groups/{id}", Problems.Json(new { name = "", scope = "category" }));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "name");
        Assert.Equal("Keep", (await factory.WithDbAsync(db => db.Groups.SingleAsync(g => g.Id == id))).Name);
        // Renaming to its own name is not a duplicate of itself.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/groups/{id}", Problems.Json(new { name = "Keep", scope = "category" }))).StatusCode);
    }

    [Fact]
    public async Task Unknown_ids_answer_404()
    {
        await (await client.GetAsync("/api/groups/99999")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PutAsync("/api/groups/99999", Problems.Json(new { name = "n", scope = "list" }))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/groups/99999")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Oversized_body_answers_413_and_changes_nothing()
    {
        var before = await CountAsync();
        var huge = "{\"name\":\"" + new string('a', 11 * 1024 * 1024) + "\",\"scope\":\"list\"}";
        var response = await client.PostAsync("/api/groups", Problems.Json(huge));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Scope_of_a_group_in_use_cannot_change()
    {
        var id = (await (await client.PostAsync("/api/groups", Problems.Json(new { name = "Relays", scope = "transport" }))).ReadJsonAsync()).GetProperty("id").GetInt32();
        var transport = await client.PostAsync("/api/transports", Problems.Json(new { name = "grouped-relay", kind = "pickup", group = "Relays" }));
        Assert.Equal(HttpStatusCode.Created, transport.StatusCode);
        var response = await client.PutAsync($"/api/groups/{id}", Problems.Json(new { name = "Relays", scope = "list" }));
        await response.AssertProblemAsync(HttpStatusCode.Conflict, "scope");
        Assert.Equal(Triton.Core.Domain.GroupScope.Transport, (await factory.WithDbAsync(db => db.Groups.SingleAsync(g => g.Id == id))).Scope);

        // Deleting the group clears the transport's reference to it.
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/groups/{id}")).StatusCode);
        Assert.Null((await factory.WithDbAsync(db => db.Transports.SingleAsync(t => t.Name == "grouped-relay"))).GroupId);
    }
}
