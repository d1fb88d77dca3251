using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Triton.Core.Domain;

namespace Triton.Tests.Api;

/// <summary>
/// Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) leave every
/// CSV export escaped with a leading apostrophe, so opening the file shows them as text.
/// </summary>
public sealed class CsvExportInjectionTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    private static readonly string[] Formulas = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=2"];

    [Fact]
    public async Task The_list_export_escapes_formula_cells()
    {
        var (_, list, _) = await factory.SeedCampaignPartsAsync("csv-injection-list");
        await factory.WithDbAsync(async db =>
        {
            db.ListColumns.Add(new ListColumn { ListId = list, Name = "note", Position = 0 });
            for (var i = 0; i < Formulas.Length; i++)
                db.Recipients.Add(new Recipient
                {
                    ListId = list, Email = $"r{i}@example.org", EmailKey = $"r{i}@example.org", UserId = Formulas[i],
                    Fields = JsonSerializer.Serialize(new Dictionary<string, string> { ["note"] = Formulas[i] }),
                });
            return await db.SaveChangesAsync();
        });

        var csv = await client.GetStringAsync($"/api/lists/{list}/export");
        var rows = Records(csv);
        Assert.Equal(["email", "user_id", "note"], rows[0]);
        for (var i = 0; i < Formulas.Length; i++)
        {
            Assert.Equal($"r{i}@example.org", rows[i + 1][0]);
            Assert.Equal("'" + Formulas[i], rows[i + 1][1]);
            Assert.Equal("'" + Formulas[i], rows[i + 1][2]);
        }
    }

    [Fact]
    public async Task The_deliveries_csv_escapes_formula_cells()
    {
        var (template, list, transport) = await factory.SeedCampaignPartsAsync("csv-injection-deliveries");
        var campaign = await factory.WithDbAsync(async db =>
        {
            var campaign = new Campaign { Name = "csv-injection-deliveries", TemplateId = template, ListId = list, TransportId = transport, FromAddress = "a@example.org", Subjects = ["s"] };
            db.Campaigns.Add(campaign);
            var recipient = new Recipient { ListId = list, Email = "=cmd@example.org", EmailKey = "=cmd@example.org" };
            db.Recipients.Add(recipient);
            await db.SaveChangesAsync();
            db.Deliveries.Add(new Delivery
            {
                CampaignId = campaign.Id, Generation = campaign.Generation, RecipientId = recipient.Id, Email = recipient.Email, Status = DeliveryStatus.Failed,
                LastReply = "@SUM(1+1) from a remote server", ReplyCode = 550, Attempts = 1,
            });
            await db.SaveChangesAsync();
            return campaign.Id;
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/campaigns/{campaign}/deliveries");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = Records(await response.Content.ReadAsStringAsync());
        Assert.Equal("'=cmd@example.org", rows[1][0]);
        Assert.Equal("'@SUM(1+1) from a remote server", rows[1][3]);
        Assert.Equal("550", rows[1][4]);
    }

    /// <summary>The records of an RFC 4180 file, quotes undone.</summary>
    internal static List<string[]> Records(string csv)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n') { }
            else if (c == '\n') { fields.Add(field.ToString()); field.Clear(); records.Add([.. fields]); fields.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); records.Add([.. fields]); }
        return records;
    }
}
