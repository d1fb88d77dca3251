using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Web.Access;

namespace Triton.Tests.Admin;

/// <summary>The list pages over real HTTP: creating a list, recipients by hand, CSV upload, roles.</summary>
public sealed partial class ListFormsTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public ListFormsTests(AdminApp app) => this.app = app;

    [Fact]
    public async Task New_list_with_bad_columns_shows_the_errors_beside_the_field_and_saves_nothing()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var response = await AdminForm.PostAsync(client, "/lists/new", "list", new()
        {
            ["Form.Name"] = "Bad columns",
            ["Form.Columns"] = "city\n1st\nemail\nCity\nfirst name",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("data-field-error=\"Columns\"", html);
        Assert.Contains("&#x27;1st&#x27; is not a valid column name", html);
        Assert.Contains("&#x27;email&#x27; is reserved", html);
        Assert.Contains("&#x27;City&#x27; appears more than once", html);
        Assert.Contains("&#x27;first name&#x27; is not a valid column name", html);
        Assert.DoesNotContain("data-field-error=\"Name\"", html);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Lists.AnyAsync(l => l.Name == "Bad columns"));
    }

    [Fact]
    public async Task New_list_without_a_name_or_with_a_taken_one_says_so_beside_the_name()
    {
        await SeedListAsync("Taken name");
        using var client = await AdminForm.SignedInAsync(app);
        var empty = await AdminForm.PostAsync(client, "/lists/new", "list", new() { ["Form.Name"] = "", ["Form.Columns"] = "city" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Contains("data-field-error=\"Name\"", await empty.Content.ReadAsStringAsync());
        var taken = await AdminForm.PostAsync(client, "/lists/new", "list", new() { ["Form.Name"] = "Taken name" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        Assert.Contains("already exists", await taken.Content.ReadAsStringAsync());
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Lists.CountAsync(l => l.Name == "Taken name"));
    }

    [Fact]
    public async Task New_list_with_good_columns_is_created_in_its_group_and_opens_its_page()
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
            db.Groups.Add(new Triton.Core.Domain.Group { Name = "Newsletters", Scope = GroupScope.List });
            await db.SaveChangesAsync();
        }
        using var client = await AdminForm.SignedInAsync(app);
        var response = await AdminForm.PostAsync(client, "/lists/new", "list", new()
        {
            ["Form.Name"] = "Good columns",
            ["Form.Group"] = "Newsletters",
            ["Form.Columns"] = "first_name\ncity\n_Score2",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var check = app.Services.CreateAsyncScope();
        var list = await check.ServiceProvider.GetRequiredService<TritonDbContext>().Lists.Include(l => l.Columns).Include(l => l.Group)
            .SingleAsync(l => l.Name == "Good columns");
        Assert.Equal($"/lists/{list.Id}", Path(response));
        Assert.Equal(["first_name", "city", "_Score2"], list.Columns.OrderBy(c => c.Position).Select(c => c.Name));
        Assert.Equal("Newsletters", list.Group!.Name);
        var page = await client.GetStringAsync($"/lists/{list.Id}");
        Assert.Contains("email, user_id, first_name, city, _Score2", page);
    }

    [Fact]
    public async Task Adding_a_bad_or_duplicate_address_shows_the_error_and_saves_nothing()
    {
        var listId = await SeedListAsync("Hand added", "city");
        using var client = await AdminForm.SignedInAsync(app);
        var bad = await AdminForm.PostAsync(client, $"/lists/{listId}", "add-recipient", new()
        {
            ["Form.Email"] = "not an address",
            ["Form.Values[0]"] = "Oslo",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains("data-field-error=\"Email\"", badHtml);
        Assert.Contains("is not a valid email address", badHtml);
        Assert.Equal(0, await RecipientCountAsync(listId));

        var good = await AdminForm.PostAsync(client, $"/lists/{listId}", "add-recipient", new()
        {
            ["Form.Email"] = "  Ann@Example.com ",
            ["Form.UserId"] = "u-1",
            ["Form.Values[0]"] = "Oslo",
        });
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var ann = await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Recipients.SingleAsync(r => r.ListId == listId);
            Assert.Equal("Ann@Example.com", ann.Email);
            Assert.Equal("ann@example.com", ann.EmailKey);
            Assert.Equal("u-1", ann.UserId);
            Assert.Equal("Oslo", JsonSerializer.Deserialize<Dictionary<string, string>>(ann.Fields)!["city"]);
        }

        var duplicate = await AdminForm.PostAsync(client, $"/lists/{listId}", "add-recipient", new()
        {
            ["Form.Email"] = "ann@EXAMPLE.com",
            ["Form.Values[0]"] = "Bergen",
        });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var duplicateHtml = await duplicate.Content.ReadAsStringAsync();
        Assert.Contains("data-field-error=\"Email\"", duplicateHtml);
        Assert.Contains("already in the list", duplicateHtml);
        Assert.Equal(1, await RecipientCountAsync(listId));
    }

    [Fact]
    public async Task Editing_a_recipient_validates_the_address_refuses_a_duplicate_and_saves_a_good_change()
    {
        var listId = await SeedListAsync("Edited", "city");
        var (annId, _) = await SeedRecipientAsync(listId, "ann@example.com", "Oslo");
        await SeedRecipientAsync(listId, "bob@example.com", "Bergen");
        using var client = await AdminForm.SignedInAsync(app);
        var path = $"/lists/{listId}/recipients/{annId}";
        var edit = await client.GetStringAsync(path);
        Assert.Contains("value=\"ann@example.com\"", edit);
        Assert.Contains("value=\"Oslo\"", edit);

        var bad = await AdminForm.PostAsync(client, path, "recipient", new() { ["Form.Email"] = "ann@", ["Form.Values[0]"] = "X" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var duplicate = await AdminForm.PostAsync(client, path, "recipient", new() { ["Form.Email"] = "BOB@example.com", ["Form.Values[0]"] = "X" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("already in the list", await duplicate.Content.ReadAsStringAsync());
        Assert.Equal(("ann@example.com", "Oslo"), await RecipientAsync(annId));

        var good = await AdminForm.PostAsync(client, path, "recipient", new() { ["Form.Email"] = "ann.b@example.com", ["Form.Values[0]"] = "Tromsø" });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(("ann.b@example.com", "Tromsø"), await RecipientAsync(annId));

        var deleted = await client.PostAsync($"{path}/delete", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = AdminFormsTests.Token(await client.GetStringAsync(path)) }));
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(1, await RecipientCountAsync(listId));
    }

    [Fact]
    public async Task Csv_upload_reports_bad_rows_by_line_and_lands_the_good_ones()
    {
        var listId = await SeedListAsync("Uploaded", "city");
        await SeedRecipientAsync(listId, "already@example.com", "Oslo");
        using var client = await AdminForm.SignedInAsync(app);
        var page = await client.GetStringAsync($"/lists/{listId}");
        var csv = "email,user_id,city\n" +
                  "a@example.com,1,Oslo\n" +        // line 2
                  "not-an-email,2,Bergen\n" +       // line 3: bad address
                  "b@example.com,3,\"Trond,heim\"\n" + // line 4
                  "ALREADY@example.com,4,Dup\n" +   // line 5: already in the list
                  "c@example.com,5\n";              // line 6: a field short

        // Without JavaScript: the plain form post, token first, then the file; the answer leads back to the report.
        var response = await client.PostAsync($"/lists/{listId}/import?importId=plain1", Upload(AdminFormsTests.Token(page), csv));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/lists/{listId}?import=plain1", Path(response, withQuery: true));
        var report = await client.GetStringAsync($"/lists/{listId}?import=plain1");
        Assert.Contains("data-import-added=\"2\"", report);
        Assert.Equal(["3", "5", "6"], ErrorLines(report));
        Assert.Contains("is not a valid email address", report);
        Assert.Contains("already in the list", report);
        Assert.Equal(3, await RecipientCountAsync(listId));
        Assert.Contains("Trond,heim", report);

        // The progress fragment the page polls: done, with the same report and no further polling.
        var status = await client.GetStringAsync($"/lists/{listId}/imports/plain1");
        Assert.Contains("data-import-state=\"done\"", status);
        Assert.DoesNotContain("hx-trigger", status);
        Assert.Equal(["3", "5", "6"], ErrorLines(status));
    }

    [Fact]
    public async Task The_import_report_quotes_bad_values_briefly_and_lists_1000_errors_with_a_count_of_the_rest()
    {
        var listId = await SeedListAsync("Many bad rows", "city");
        using var client = await AdminForm.SignedInAsync(app);
        var page = await client.GetStringAsync($"/lists/{listId}");
        var csv = new StringBuilder("email,city\n");
        csv.Append(new string('y', 200_000)).Append(",Oslo\n");                           // line 2: a very long bad value
        for (var i = 0; i < 1_500; i++) csv.Append("nobody").Append(i).Append(",Oslo\n"); // lines 3 to 1502
        var response = await client.PostAsync($"/lists/{listId}/import?importId=manybad", Upload(AdminFormsTests.Token(page), csv.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var status = await client.GetStringAsync($"/lists/{listId}/imports/manybad");
        Assert.Equal(1_000, ErrorLines(status).Count);
        var text = WebUtility.HtmlDecode(status);
        Assert.Contains("… and 501 more not listed.", text);
        Assert.Contains("'" + new string('y', 100) + "…' is not a valid email address.", text);
        Assert.DoesNotContain(new string('y', 101), text);
    }

    [Fact]
    public async Task Upload_streams_into_the_import_and_its_progress_shows_while_the_body_is_still_arriving()
    {
        var listId = await SeedListAsync("Streamed upload");
        using var client = await AdminForm.SignedInAsync(app);
        var token = AdminFormsTests.Token(await client.GetStringAsync($"/lists/{listId}"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The reader takes the body in blocks: well over two batches arrive before the gate.
        var body = new GatedMultipart(token, "email\n" + Rows(0, 20_000), gate.Task, Rows(20_000, 20_100) + "bad row\n");
        var upload = client.PostAsync($"/lists/{listId}/import?importId=streamed", body);

        // Batches written before the rest of the file exists: the import runs on the streamed body.
        string status;
        Match counts;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(100);
            status = await client.GetStringAsync($"/lists/{listId}/imports/streamed");
            counts = ProgressPattern().Match(status);
        } while (!(counts.Success && long.Parse(counts.Groups[2].Value) >= 5000) && DateTime.UtcNow < deadline && !upload.IsCompleted);
        Assert.False(upload.IsCompleted, "the upload answered before its body was complete");
        Assert.Contains("data-import-state=\"running\"", status);
        Assert.Contains("hx-trigger=\"load delay:1s\"", status);
        Assert.True(counts.Success && long.Parse(counts.Groups[2].Value) >= 5000, status);
        Assert.InRange(long.Parse(counts.Groups[1].Value), 10_000, 20_000);

        gate.SetResult();
        var response = await upload;
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var report = await client.GetStringAsync($"/lists/{listId}?import=streamed");
        Assert.Contains("data-import-added=\"20100\"", report);
        Assert.Equal(["20102"], ErrorLines(report));
        Assert.Equal(20_100, await RecipientCountAsync(listId));

        static string Rows(int from, int to) =>
            string.Concat(Enumerable.Range(from, to - from).Select(i => $"s{i}@example.com\n"));
    }

    [Fact]
    public async Task Htmx_upload_answers_with_the_report_panel_and_refreshes_the_table()
    {
        var listId = await SeedListAsync("Uploaded with htmx");
        using var client = await AdminForm.SignedInAsync(app);
        var token = AdminFormsTests.Token(await client.GetStringAsync($"/lists/{listId}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/lists/{listId}/import?importId=htmx1")
        {
            Content = Upload(null, "email\nx@example.com\ny@example\nz@example.com\n"),
        };
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("RequestVerificationToken", token);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("recipients-changed", response.Headers.GetValues("HX-Trigger").Single());
        var panel = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<section id=\"import\">", panel.TrimStart());
        Assert.Contains("data-import-added=\"2\"", panel);
        Assert.Equal(["3"], ErrorLines(panel));
        // A fresh import id for the next upload.
        Assert.DoesNotContain("importId=htmx1", panel);
        Assert.Equal(2, await RecipientCountAsync(listId));
    }

    [Fact]
    public async Task Upload_without_a_valid_token_or_email_column_imports_nothing()
    {
        var listId = await SeedListAsync("Refused upload");
        using var client = await AdminForm.SignedInAsync(app);
        var noToken = await client.PostAsync($"/lists/{listId}/import", Upload(null, "email\na@example.com\n"));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        var wrongToken = await client.PostAsync($"/lists/{listId}/import", Upload("forged", "email\na@example.com\n"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongToken.StatusCode);
        Assert.Equal(0, await RecipientCountAsync(listId));

        var token = AdminFormsTests.Token(await client.GetStringAsync($"/lists/{listId}"));
        var noEmail = await client.PostAsync($"/lists/{listId}/import?importId=noemail", Upload(token, "name\nAnn\n"));
        Assert.Equal(HttpStatusCode.Redirect, noEmail.StatusCode);
        Assert.Contains("The header row has no email column.", await client.GetStringAsync($"/lists/{listId}?import=noemail"));
        Assert.Equal(0, await RecipientCountAsync(listId));
    }

    [Fact]
    public async Task Recipients_page_and_search_with_the_users_page_size_with_and_without_htmx()
    {
        var listId = await SeedListAsync("Paged");
        for (var i = 0; i < 23; i++) await SeedRecipientAsync(listId, $"p{i:00}@example.com", null);
        await SeedRecipientAsync(listId, "needle@example.org", null);
        await CreateUserAsync("pager@example.com", "Pager-Passw0rd!", AdminRoles.Editor, pageSize: 10);
        using var client = app.CreateBrowserlessClient();
        await AdminFormsTests.SignInAsync(client, "pager@example.com", "Pager-Passw0rd!", "/");

        var first = await client.GetStringAsync($"/lists/{listId}");
        Assert.Equal(10, RecipientRows(first).Count);
        Assert.Contains("Page 1 of 3", first);
        var third = await client.GetStringAsync($"/lists/{listId}?page=3");
        Assert.Equal(["p20@example.com", "p21@example.com", "p22@example.com", "needle@example.org"], RecipientRows(third));

        var found = await client.GetStringAsync($"/lists/{listId}?q=NEEDLE");
        Assert.Equal(["needle@example.org"], RecipientRows(found));

        var fragment = await client.GetAsync($"/lists/{listId}/recipients?q=p1&page=1");
        var html = await fragment.Content.ReadAsStringAsync();
        Assert.StartsWith("<div id=\"recipients\"", html.TrimStart());
        Assert.DoesNotContain("<html", html);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"p{i}@example.com"), RecipientRows(html));
        Assert.Equal($"/lists/{listId}?q=p1&page=1", fragment.Headers.GetValues("HX-Push-Url").Single());
    }

    [Fact]
    public async Task Export_link_downloads_the_list_as_csv_for_a_signed_in_user()
    {
        var listId = await SeedListAsync("Exported", "city");
        await SeedRecipientAsync(listId, "ann@example.com", "Oslo");
        using var client = await AdminForm.SignedInAsync(app);
        Assert.Contains($"href=\"/lists/{listId}/export\"", await client.GetStringAsync($"/lists/{listId}"));
        var csv = await client.GetStringAsync($"/lists/{listId}/export");
        Assert.Equal("email,user_id,city\r\nann@example.com,,Oslo\r\n", csv);
        // A cell a spreadsheet would run as a formula is escaped as text, as in the API's export.
        await SeedRecipientAsync(listId, "bob@example.com", "=HYPERLINK(\"http://evil.example\")");
        Assert.EndsWith("bob@example.com,,\"'=HYPERLINK(\"\"http://evil.example\"\")\"\r\n", await client.GetStringAsync($"/lists/{listId}/export"));
        using var anonymous = app.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/lists/{listId}/export")).StatusCode);
    }

    [Fact]
    public async Task Viewer_sees_the_list_read_only_and_forged_posts_answer_403()
    {
        var listId = await SeedListAsync("Viewed", "city");
        var (recipientId, _) = await SeedRecipientAsync(listId, "seen@example.com", "Oslo");
        await CreateUserAsync("list-viewer@example.com", "Viewer-Passw0rd!", AdminRoles.Viewer);
        using var client = app.CreateBrowserlessClient();
        await AdminFormsTests.SignInAsync(client, "list-viewer@example.com", "Viewer-Passw0rd!", "/");

        var page = await client.GetStringAsync($"/lists/{listId}");
        Assert.Contains("seen@example.com", page);
        Assert.Contains("/export", page);
        Assert.DoesNotContain("import-form", page);
        Assert.DoesNotContain("Add recipient", page);
        Assert.DoesNotContain($"/recipients/{recipientId}", page);
        // No button in the page's content (the layout's menu, theme and sign-out buttons come before it).
        Assert.Empty(Regex.Matches(page[page.IndexOf("<main", StringComparison.Ordinal)..], "<button"));
        Assert.DoesNotContain("New list", await client.GetStringAsync("/lists"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/lists/new")).StatusCode);

        var token = AdminFormsTests.Token(page);
        var forged = new (string Path, HttpContent Body)[]
        {
            ("/lists/new", Form(token, "list", new() { ["Form.Name"] = "Forged list" })),
            ($"/lists/{listId}", Form(token, "add-recipient", new() { ["Form.Email"] = "forged@example.com" })),
            ($"/lists/{listId}/recipients/{recipientId}", Form(token, "recipient", new() { ["Form.Email"] = "forged@example.com" })),
            ($"/lists/{listId}/recipients/{recipientId}/delete", Form(token, null, new())),
            ($"/lists/{listId}/import", Upload(token, "email\nforged@example.com\n")),
        };
        foreach (var (path, body) in forged)
            Assert.True(HttpStatusCode.Forbidden == (await client.PostAsync(path, body)).StatusCode, path);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        Assert.False(await db.Lists.AnyAsync(l => l.Name == "Forged list"));
        Assert.Equal(["seen@example.com"], await db.Recipients.Where(r => r.ListId == listId).Select(r => r.Email).ToListAsync());
    }

    private static FormUrlEncodedContent Form(string token, string? handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = token;
        if (handler is not null) fields["_handler"] = handler;
        return new FormUrlEncodedContent(fields);
    }

    /// <summary>The upload as a browser sends the form: the token field first (when given), then the file.</summary>
    private static MultipartFormDataContent Upload(string? token, string csv)
    {
        var content = new MultipartFormDataContent();
        if (token is not null) content.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "people.csv");
        return content;
    }

    /// <summary>A multipart upload (token, then a CSV file) whose file ends only once the gate opens; sent chunked.</summary>
    private sealed class GatedMultipart : HttpContent
    {
        private const string Boundary = "----triton-test-boundary";
        private readonly string token, head, tail;
        private readonly Task gate;

        public GatedMultipart(string token, string head, Task gate, string tail)
        {
            (this.token, this.head, this.gate, this.tail) = (token, head, gate, tail);
            Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await Write(stream, $"--{Boundary}\r\nContent-Disposition: form-data; name=\"__RequestVerificationToken\"\r\n\r\n{token}\r\n" +
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n{head}");
            await stream.FlushAsync();
            await gate;
            await Write(stream, $"{tail}\r\n--{Boundary}--\r\n");
        }

        private static Task Write(Stream stream, string text) => stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static string Path(HttpResponseMessage response, bool withQuery = false)
    {
        var location = response.Headers.Location!;
        if (!location.IsAbsoluteUri) location = new Uri(new Uri("http://x"), location);
        return withQuery ? location.PathAndQuery : location.AbsolutePath;
    }

    private static List<string> ErrorLines(string html) =>
        ErrorLinePattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private static List<string> RecipientRows(string html) =>
        RecipientRowPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private async Task<int> SeedListAsync(string name, params string[] columns)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var list = new MailingList
        {
            Name = name,
            CreatedAt = DateTimeOffset.UtcNow,
            Columns = [.. columns.Select((c, i) => new ListColumn { Name = c, Position = i })],
        };
        db.Lists.Add(list);
        await db.SaveChangesAsync();
        return list.Id;
    }

    private async Task<(long Id, string Email)> SeedRecipientAsync(int listId, string email, string? city)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var recipient = new Recipient
        {
            ListId = listId, Email = email, EmailKey = email.ToLowerInvariant(), CreatedAt = DateTimeOffset.UtcNow,
            Fields = city is null ? "{}" : JsonSerializer.Serialize(new Dictionary<string, string> { ["city"] = city }),
        };
        db.Recipients.Add(recipient);
        await db.SaveChangesAsync();
        return (recipient.Id, email);
    }

    private async Task<int> RecipientCountAsync(int listId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Recipients.CountAsync(r => r.ListId == listId);
    }

    private async Task<(string Email, string? City)> RecipientAsync(long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var r = await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Recipients.AsNoTracking().SingleAsync(x => x.Id == id);
        return (r.Email, JsonSerializer.Deserialize<Dictionary<string, string?>>(r.Fields)!.GetValueOrDefault("city"));
    }

    private async Task CreateUserAsync(string email, string password, string role, int? pageSize = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().CreateUserAsync(email, password, role);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        if (pageSize is int size)
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            user.PageSize = size;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
        }
    }

    [GeneratedRegex("data-import-error-line=\"(\\d+)\"")]
    private static partial Regex ErrorLinePattern();

    [GeneratedRegex("(\\d+) rows read, (\\d+) added")]
    private static partial Regex ProgressPattern();

    [GeneratedRegex("<tr data-recipient=\"([^\"]+)\"")]
    private static partial Regex RecipientRowPattern();
}
