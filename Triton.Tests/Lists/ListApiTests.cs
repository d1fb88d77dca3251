using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Triton.Core.Domain;

namespace Triton.Tests.Lists;

public sealed class ListApiTests : IAsyncLifetime
{
    private readonly ContentApi _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();
    public Task DisposeAsync() => _api.DisposeAsync();

    private async Task<int> CreateListAsync(string name, params string[] columns)
    {
        var response = await _api.Client.PostAsJsonAsync("/api/lists", new { name, columns });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("has-dash")]
    [InlineData("email")]
    [InlineData("USER_ID")]
    public async Task Bad_column_names_are_refused_on_the_columns_field(string column)
    {
        var response = await _api.Client.PostAsJsonAsync("/api/lists", new { name = "L", columns = new[] { column } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("columns", out _));
    }

    [Fact]
    public async Task Columns_are_unique_case_insensitively_and_fixed_after_creation()
    {
        var duplicate = await _api.Client.PostAsJsonAsync("/api/lists", new { name = "L", columns = new[] { "city", "City" } });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);

        var id = await CreateListAsync("L", "first_name", "city");
        var changed = await _api.Client.PutAsJsonAsync($"/api/lists/{id}", new { name = "L", columns = new[] { "first_name" } });
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        var renamed = await _api.Client.PutAsJsonAsync($"/api/lists/{id}", new { name = "L2", description = "d", columns = new[] { "first_name", "city" } });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var view = await _api.Client.GetFromJsonAsync<JsonElement>($"/api/lists/{id}");
        Assert.Equal("L2", view.GetProperty("name").GetString());
        Assert.Equal(["first_name", "city"], view.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Group_scopes_are_enforced_and_lists_filter_by_group()
    {
        await _api.AddGroupAsync("Layouts", GroupScope.Template);
        await _api.AddGroupAsync("Customers", GroupScope.List);
        var wrong = await _api.Client.PostAsJsonAsync("/api/lists", new { name = "A", group = "Layouts" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.True((await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("group", out _));

        Assert.Equal(HttpStatusCode.Created, (await _api.Client.PostAsJsonAsync("/api/lists", new { name = "A", group = "Customers" })).StatusCode);
        await CreateListAsync("B");
        var filtered = await _api.Client.GetFromJsonAsync<JsonElement>("/api/lists?group=Customers");
        Assert.Equal(["A"], filtered.EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(2, (await _api.Client.GetFromJsonAsync<JsonElement>("/api/lists")).GetArrayLength());

        var templateInListGroup = await _api.Client.PostAsJsonAsync("/api/templates", new { name = "t", body = "x", group = "Customers" });
        Assert.Equal(HttpStatusCode.BadRequest, templateInListGroup.StatusCode);
    }

    [Fact]
    public async Task Adding_recipients_normalises_reports_duplicates_bad_addresses_and_unknown_columns()
    {
        var id = await CreateListAsync("L", "FirstName");
        var response = await _api.Client.PostAsJsonAsync($"/api/lists/{id}/recipients", new object[]
        {
            new Dictionary<string, object?> { ["email"] = "  Ann@Example.com ", ["user_id"] = "u1", ["firstname"] = "Ann" },
            new Dictionary<string, object?> { ["email"] = "not-an-address" },
            new Dictionary<string, object?> { ["email"] = "ann@example.COM" },
            new Dictionary<string, object?> { ["email"] = "bob@example.com", ["shoe"] = "42" },
            new Dictionary<string, object?> { ["email"] = "cy@example.com", ["FirstName"] = 7 },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("added").GetInt32());
        Assert.Equal(3, result.GetProperty("skipped").GetInt32());
        Assert.Equal([1, 2, 3], result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()));

        var stored = await _api.WithDbAsync(db => Task.FromResult(db.Recipients.OrderBy(r => r.Id).ToList()));
        Assert.Equal("Ann@Example.com", stored[0].Email);
        Assert.Equal("ann@example.com", stored[0].EmailKey);
        Assert.Equal("u1", stored[0].UserId);
        Assert.Equal("""{"FirstName":"Ann"}""", stored[0].Fields);
        Assert.Equal("""{"FirstName":"7"}""", stored[1].Fields);

        var page = await _api.Client.GetFromJsonAsync<JsonElement>($"/api/lists/{id}/recipients?page=1&pageSize=1&search=CY");
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        var recipient = page.GetProperty("items")[0];
        Assert.Equal("cy@example.com", recipient.GetProperty("email").GetString());

        var rid = recipient.GetProperty("id").GetInt64();
        var clash = await _api.Client.PutAsJsonAsync($"/api/lists/{id}/recipients/{rid}", new { email = "ANN@example.com" });
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        var update = await _api.Client.PutAsJsonAsync($"/api/lists/{id}/recipients/{rid}", new { email = "cy2@example.com", FirstName = "Cy" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("Cy", (await update.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("FirstName").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Client.DeleteAsync($"/api/lists/{id}/recipients/{rid}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client.DeleteAsync($"/api/lists/{id}/recipients/{rid}")).StatusCode);
    }

    [Fact]
    public async Task A_ten_thousand_item_batch_lands_its_good_rows()
    {
        var id = await CreateListAsync("Big", "n");
        var items = Enumerable.Range(0, 10_000).Select(i => new Dictionary<string, object?>
        {
            ["email"] = i % 100 == 7 ? $"bad{i}" : $"user{i}@example.com",
            ["n"] = i.ToString(),
        }).ToList();
        var response = await _api.Client.PostAsJsonAsync($"/api/lists/{id}/recipients", items);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(9_900, result.GetProperty("added").GetInt32());
        Assert.Equal(100, result.GetProperty("skipped").GetInt32());
        Assert.Equal(9_900, await _api.WithDbAsync(db => Task.FromResult(db.Recipients.Count(r => r.ListId == id))));
    }
}
