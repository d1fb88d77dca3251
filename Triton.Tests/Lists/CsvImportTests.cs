using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Triton.Tests.Lists;

public sealed class CsvImportTests : IAsyncLifetime
{
    private readonly ContentApi _api = new();
    private int _listId;

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        var response = await _api.Client.PostAsJsonAsync("/api/lists", new { name = "Import", columns = new[] { "first_name", "city" } });
        _listId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var response = await _api.Client.PostAsync($"/api/lists/{_listId}/import", content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(string csv, bool bom = false) =>
        ImportAsync(new ByteArrayContent([.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(csv)]));

    private static IEnumerable<(long Line, string Error)> Errors(JsonElement body) =>
        body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("error").GetString()!));

    [Fact]
    public async Task A_file_with_a_bom_quoted_newlines_and_commas_lands()
    {
        var csv = "email,first_name,city\r\nann@example.com,\"Ann, the first\",\"Line one\nLine two\"\r\nbob@example.com,Bob,Paris\r\n";
        var (status, body) = await ImportAsync(csv, bom: true);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("added").GetInt32());
        var ann = await _api.WithDbAsync(db => Task.FromResult(db.Recipients.Single(r => r.EmailKey == "ann@example.com")));
        Assert.Equal("""{"first_name":"Ann, the first","city":"Line one\nLine two"}""", ann.Fields);

        var export = await _api.Client.GetStringAsync($"/api/lists/{_listId}/export");
        Assert.StartsWith("email,user_id,first_name,city", export);
        Assert.Contains("ann@example.com,,\"Ann, the first\",\"Line one\nLine two\"", export);
    }

    [Fact]
    public async Task Bad_rows_are_reported_by_line_and_good_rows_still_land()
    {
        var csv = string.Join("\n",
            "Email,User_Id,City,Shoe",          // 1: Shoe is not a column
            "ann@example.com,u1,Paris,40",      // 2
            "\"multi\nline\",u2,Oslo,41",       // 3-4: bad address spanning two lines
            "ANN@example.com,u3,Rome,42",       // 5: duplicate
            "cy@example.com,u4",                // 6: missing fields
            "dee@example.com,u5,Lima,43,extra", // 7: an extra field
            "eve@example.com,u6,Kyiv,44");      // 8
        var (status, body) = await ImportAsync(csv);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("added").GetInt32());
        Assert.Equal(4, body.GetProperty("skipped").GetInt32());
        var errors = Errors(body).ToList();
        Assert.Equal([1, 3, 5, 6, 7], errors.Select(e => e.Line).Order());
        Assert.Contains("Shoe", errors.Single(e => e.Line == 1).Error);
        Assert.Contains("already", errors.Single(e => e.Line == 5).Error);
        var eve = await _api.WithDbAsync(db => Task.FromResult(db.Recipients.Single(r => r.EmailKey == "eve@example.com")));
        Assert.Equal("u6", eve.UserId);
        Assert.Equal("""{"city":"Kyiv"}""", eve.Fields);
    }

    [Fact]
    public async Task A_header_missing_list_columns_is_fine_but_one_without_email_is_refused()
    {
        var (status, body) = await ImportAsync("email\nann@example.com\n");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("added").GetInt32());
        var (refused, problem) = await ImportAsync("first_name,city\nAnn,Paris\n");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("email", problem.GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task Empty_and_binary_files_are_refused_clearly()
    {
        var (empty, emptyProblem) = await ImportAsync("");
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.Contains("empty", emptyProblem.GetProperty("errors").GetProperty("file")[0].GetString());

        var binary = new byte[4096];
        new Random(3).NextBytes(binary);
        binary[0] = 0x89; binary[1] = (byte)'P'; binary[2] = (byte)'N'; binary[3] = (byte)'G'; binary[4] = 0;
        var (status, problem) = await ImportAsync(new ByteArrayContent(binary));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("binary", problem.GetProperty("errors").GetProperty("file")[0].GetString());
    }

    [Fact]
    public async Task Errors_quote_at_most_100_characters_of_a_bad_value_and_the_report_keeps_1000_of_them()
    {
        var longValue = new string('x', 300_000) + "-not-an-address";
        var csv = new StringBuilder("email,first_name," + new string('c', 5_000) + "\n");
        csv.Append(longValue).Append(",Long,\n");
        for (var i = 0; i < 3_000; i++) csv.Append("bad").Append(i).Append(",n,c\n");
        csv.Append("good@example.com,Good,c\n");
        var (status, body) = await ImportAsync(csv.ToString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("added").GetInt32());
        Assert.Equal(3_001, body.GetProperty("skipped").GetInt32());
        // The unknown header column, the long value, 3,000 bad addresses: all counted, 1,000 listed.
        Assert.Equal(3_002, body.GetProperty("totalErrors").GetInt32());
        var errors = Errors(body).ToList();
        Assert.Equal(1_000, errors.Count);
        var header = errors.Single(e => e.Line == 1).Error;
        Assert.Contains("'" + new string('c', 100) + "…'", header);
        var tooLong = errors.Single(e => e.Line == 2).Error;
        Assert.Equal("'" + new string('x', 100) + "…' is not a valid email address.", tooLong);
        Assert.Equal("'bad0' is not a valid email address.", errors.Single(e => e.Line == 3).Error);
        Assert.True(errors.Max(e => e.Error.Length) < 400, "an error message quotes more than 100 characters");
    }

    [Fact]
    public async Task A_50_megabyte_file_streams_in_with_capped_errors()
    {
        var path = Path.GetTempFileName();
        try
        {
            long rows = 0, bad = 0;
            await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
            {
                await writer.WriteLineAsync("email,first_name,city");
                var padding = new string('x', 60);
                while (writer.BaseStream.Length < 50L * 1024 * 1024)
                {
                    rows++;
                    var isBad = rows % 500 == 0;
                    if (isBad) bad++;
                    await writer.WriteLineAsync(isBad ? $"bad{rows},n,c" : $"user{rows}@example.com,Name {rows},{padding}");
                }
            }
            await using var file = File.OpenRead(path);
            var content = new StreamContent(file, 1 << 16);
            var (status, body) = await ImportAsync(content);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(rows - bad, body.GetProperty("added").GetInt64());
            Assert.Equal(bad, body.GetProperty("totalErrors").GetInt64());
            Assert.True(body.GetProperty("errors").GetArrayLength() <= 1000);
            Assert.Equal(rows - bad, await _api.WithDbAsync(db => Task.FromResult((long)db.Recipients.Count(r => r.ListId == _listId))));
            Assert.True(rows > 400_000, $"{rows} rows");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
