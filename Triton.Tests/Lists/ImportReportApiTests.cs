using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Triton.Tests.Lists;

/// <summary>
/// An import's progress and report over the API, read back from the database (table list_imports),
/// the same report the list page shows: counts and the bad rows by line, or why the file was refused.
/// </summary>
public sealed class ImportReportApiTests : IAsyncLifetime
{
    private readonly ContentApi _api = new();
    private int _listId;

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        var response = await _api.Client.PostAsJsonAsync("/api/lists", new { name = "Reported", columns = new[] { "city" } });
        _listId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    private async Task<HttpResponseMessage> ImportAsync(string importId, string csv)
    {
        var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return await _api.Client.PostAsync($"/api/lists/{_listId}/import?importId={importId}", content);
    }

    [Fact]
    public async Task The_status_of_a_finished_import_carries_its_report_with_bad_rows_by_line()
    {
        var posted = await ImportAsync("reported-1", "email,city\nann@example.com,Oslo\nnot-an-address,Bergen\nann@example.com,Again\nbob@example.com,Tromsø\n");
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("reported-1", posted.Headers.GetValues("X-Import-Id").Single());

        var status = await _api.Client.GetFromJsonAsync<JsonElement>($"/api/lists/{_listId}/imports/reported-1");
        Assert.True(status.GetProperty("done").GetBoolean());
        Assert.Equal(4, status.GetProperty("rowsRead").GetInt64());
        Assert.Equal(2, status.GetProperty("added").GetInt64());
        Assert.Equal(2, status.GetProperty("skipped").GetInt64());
        var report = status.GetProperty("report");
        Assert.Equal(2, report.GetProperty("added").GetInt64());
        Assert.Equal(2, report.GetProperty("totalErrors").GetInt64());
        var errors = report.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("error").GetString()!)).ToList();
        Assert.Equal([3L, 4L], errors.Select(e => e.Item1));
        Assert.Contains("not a valid email address", errors[0].Item2);
        Assert.Contains("already in the list", errors[1].Item2);

        // Kept in the database, not in the process: the row is there for any instance to read.
        var stored = await _api.WithDbAsync(db => db.ListImports.AsNoTracking().SingleAsync(i => i.ListId == _listId && i.ImportId == "reported-1"));
        Assert.NotNull(stored.FinishedAt);
        Assert.Contains("not a valid email address", stored.Errors);
    }

    [Fact]
    public async Task A_refused_file_reports_why_and_the_same_id_may_be_used_again_once_done()
    {
        var refused = await ImportAsync("reported-2", "name,city\nAnn,Oslo\n");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var status = await _api.Client.GetFromJsonAsync<JsonElement>($"/api/lists/{_listId}/imports/reported-2");
        Assert.True(status.GetProperty("done").GetBoolean());
        Assert.Contains("email", status.GetProperty("refusal").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("report").ValueKind);

        var again = await ImportAsync("reported-2", "email\ncleo@example.com\n");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = await _api.Client.GetFromJsonAsync<JsonElement>($"/api/lists/{_listId}/imports/reported-2");
        Assert.Equal(1, second.GetProperty("report").GetProperty("added").GetInt64());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("refusal").ValueKind);

        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client.GetAsync($"/api/lists/{_listId}/imports/never-started")).StatusCode);
    }
}
