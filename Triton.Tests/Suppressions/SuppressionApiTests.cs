using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Triton.Tests.Api;

namespace Triton.Tests.Suppressions;

/// <summary>/api/suppressions over HTTP: add one or many, page and search, delete, CSV import and export.</summary>
public sealed class SuppressionApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>());

    [Fact]
    public async Task One_address_is_added_normalized_and_a_bad_one_names_the_field()
    {
        var created = await client.PostAsJsonAsync("/api/suppressions", new { email = "  Single@Example.ORG ", reason = "complaint" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonAsync(created);
        Assert.Equal("single@example.org", body.GetProperty("email").GetString());
        Assert.Equal("complaint", body.GetProperty("reason").GetString());
        Assert.Equal("api", body.GetProperty("source").GetString());

        var invalid = await client.PostAsJsonAsync("/api/suppressions", new { email = "not an address", reason = "sometimes" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await JsonAsync(invalid)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Many_are_added_with_errors_by_index_then_paged_searched_and_deleted()
    {
        var response = await client.PostAsJsonAsync("/api/suppressions", new object[]
        {
            new { email = "bulk-a@example.org" }, new { email = "broken" }, new { email = "bulk-b@example.org", reason = "hardbounce" },
            new { email = "BULK-A@example.org" }, "not an object",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await JsonAsync(response);
        Assert.Equal(2, result.GetProperty("added").GetInt32());
        Assert.Equal(3, result.GetProperty("skipped").GetInt32());
        Assert.Equal([1, 4], result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()));

        var page = await JsonAsync(await client.GetAsync("/api/suppressions?search=bulk-&pageSize=1&page=2"));
        Assert.Equal(2, page.GetProperty("total").GetInt64());
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("bulk-a@example.org", item.GetProperty("email").GetString());
        Assert.Equal("manual", item.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/suppressions?pageSize=0")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/suppressions/Bulk-A@example.org")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/suppressions/bulk-a@example.org")).StatusCode);
        Assert.Equal(1, (await JsonAsync(await client.GetAsync("/api/suppressions?search=bulk-"))).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Csv_import_reports_bad_lines_and_export_escapes_formulas()
    {
        var csv = "email,reason\ncsv-1@example.org,unsubscribed\n=cmd|calc@example.org,\nnope,manual\ncsv-2@example.org,whatever\n\"csv-3@example.org\",\n";
        var response = await client.PostAsync("/api/suppressions/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await JsonAsync(response);
        Assert.Equal(3, result.GetProperty("added").GetInt32());
        Assert.Equal([4, 5], result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()));

        var noEmail = await client.PostAsync("/api/suppressions/import", new StringContent("address\nx@example.org\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, noEmail.StatusCode);

        var export = CsvExportInjectionTests.Records(await client.GetStringAsync("/api/suppressions/export?search=csv-"));
        Assert.Equal(["email", "reason", "source", "createdAt"], export[0]);
        Assert.Contains(export, r => r[0] == "csv-1@example.org" && r[1] == "unsubscribed" && r[2] == "api");
        var formula = CsvExportInjectionTests.Records(await client.GetStringAsync("/api/suppressions/export?search=cmd"));
        Assert.Equal("'=cmd|calc@example.org", formula[1][0]);
    }
}
