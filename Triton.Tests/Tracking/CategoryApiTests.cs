using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Triton.Core.Data;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Tracking;

/// <summary>/api/categories on the real app: CRUD, validation naming the field, group filter and paging, the in-use conflict.</summary>
public sealed class CategoryApiTests
{
    [Fact]
    public async Task Categories_are_created_listed_updated_and_deleted_unless_in_use()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new TritonAppFactory(database, new Dictionary<string, string?> { ["Sending:Workers"] = "0" });
        using var api = app.CreateApiClient();

        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/groups", new { name = "Marketing", scope = "category" })).StatusCode);
        var news = await Created(await api.PostAsJsonAsync("/api/categories", new { name = "News", description = "Weekly", group = "Marketing" }));
        var receipts = await Created(await api.PostAsJsonAsync("/api/categories", new { name = "Receipts" }));
        Assert.Equal("Marketing", news.GetProperty("group").GetString());

        var duplicate = await api.PostAsJsonAsync("/api/categories", new { name = " News " });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.True((await duplicate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
        var noGroup = await api.PostAsJsonAsync("/api/categories", new { name = "Other", group = "Nope" });
        Assert.True((await noGroup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("group", out _));

        var grouped = await api.GetFromJsonAsync<JsonElement>("/api/categories?group=Marketing");
        Assert.Equal("News", Assert.Single(grouped.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
        var paged = await api.GetFromJsonAsync<JsonElement>("/api/categories?page=2&pageSize=1");
        Assert.Equal(2, paged.GetProperty("total").GetInt64());
        Assert.Equal("Receipts", Assert.Single(paged.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/categories?pageSize=0")).StatusCode);

        var receiptsId = receipts.GetProperty("id").GetInt32();
        var updated = await api.PutAsJsonAsync($"/api/categories/{receiptsId}", new { name = "Orders", description = "Order mail" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Orders", (await api.GetFromJsonAsync<JsonElement>($"/api/categories/{receiptsId}")).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await api.PutAsJsonAsync("/api/categories/987654", new { name = "X" })).StatusCode);

        // A trigger's category (and its tracking switch) through the triggers API; the category is then in use.
        var template = await Created(await api.PostAsJsonAsync("/api/templates", new { name = "T", body = "<p>Hi</p>" }));
        var transport = await Created(await api.PostAsJsonAsync("/api/transports", new { name = "P", kind = "pickup", pickupDirectory = "pickup" }));
        await Created(await api.PostAsJsonAsync("/api/contracts", new { name = "Ordered" }));
        var trigger = await Created(await api.PostAsJsonAsync("/api/triggers", new
        {
            name = "Order mail", @event = "Ordered", templateId = template.GetProperty("id").GetInt32(),
            transportId = transport.GetProperty("id").GetInt32(), subjects = new[] { "Thanks" }, fromAddress = "shop@example.com",
            trackingCategoryId = receiptsId, tracking = false,
        }));
        Assert.False(trigger.GetProperty("tracking").GetBoolean());
        Assert.Equal(1, (await api.GetFromJsonAsync<JsonElement>($"/api/categories/{receiptsId}")).GetProperty("triggers").GetInt32());

        var refused = await api.DeleteAsync($"/api/categories/{receiptsId}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("in use", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/categories/{news.GetProperty("id").GetInt32()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/categories/{news.GetProperty("id").GetInt32()}")).StatusCode);
    }

    private static async Task<JsonElement> Created(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
