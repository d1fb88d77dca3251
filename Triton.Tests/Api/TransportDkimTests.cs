using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Mail;
using Triton.Tests.Mail;
using Triton.Tests.Mail.TestServers;

namespace Triton.Tests.Api;

/// <summary>
/// DKIM through the API: a generated key is stored encrypted and never shown, and a message sent over SMTP by the
/// transport verifies with dkimpy (Debian's python3-dkim) against the record the API told us to publish.
/// </summary>
public sealed class TransportDkimTests(ApiFactory factory) : IClassFixture<ApiFactory>, IAsyncLifetime
{
    private readonly HttpClient client = factory.Client();
    private readonly ScriptedSmtpServer server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<int> CreateAsync(object body)
    {
        var created = await client.PostAsync("/api/transports", Problems.Json(body));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    private async Task<byte[]> SendThroughRowAsync(int id)
    {
        var row = await factory.WithDbAsync(db => db.Transports.AsNoTracking().SingleAsync(t => t.Id == id));
        var transport = factory.Services.GetRequiredService<TransportRegistry>().For(row);
        var result = await transport.SendAsync(new OutgoingMessage
        {
            From = new("news@example.com", "Example Néws"), To = new("ann@example.org"), Subject = "Grüße from DKIM",
            Html = "<p>Hello <a href=\"https://example.com/x\">there</a></p>" + new string('x', 300),
            Headers = [new("List-Unsubscribe", "<https://example.com/u/1>"), new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")],
        }, CancellationToken.None);
        Assert.Equal(SendOutcome.Accepted, result.Outcome);
        return server.Messages.Last().Content;
    }

    [Fact]
    public async Task A_generated_key_signs_messages_that_dkimpy_verifies_against_the_published_record()
    {
        var id = await CreateAsync(new { name = "signed", kind = "smtp", host = "127.0.0.1", port = server.Port, security = "none", dkimDomain = "example.com" });

        var generated = await client.PostAsync($"/api/transports/{id}/dkim-key", Problems.Json(new { selector = "s2026" }));
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var answer = await generated.ReadJsonAsync();
        Assert.Equal("s2026", answer.GetProperty("selector").GetString());
        Assert.Equal("s2026._domainkey.example.com", answer.GetProperty("dnsName").GetString());
        var record = answer.GetProperty("dnsRecord").GetString()!;
        Assert.StartsWith("v=DKIM1; k=rsa; p=MII", record);

        // Write-only: the API says a key is stored, never what it is; at rest it is encrypted.
        var shown = await (await client.GetAsync($"/api/transports/{id}")).Content.ReadAsStringAsync();
        Assert.Contains("\"hasDkimPrivateKey\":true", shown);
        Assert.DoesNotContain("PRIVATE KEY", shown);
        var stored = await factory.WithDbAsync(db => db.Transports.AsNoTracking().Where(t => t.Id == id).Select(t => t.ProtectedDkimPrivateKey).SingleAsync());
        Assert.DoesNotContain("PRIVATE KEY", stored);

        var message = await SendThroughRowAsync(id);
        var text = Encoding.UTF8.GetString(message);
        Assert.StartsWith("DKIM-Signature: v=1; a=rsa-sha256;", text);
        var signature = text[..text.IndexOf("\r\nFrom:", StringComparison.Ordinal)];
        foreach (var tag in new[] { " c=relaxed/relaxed;", " d=example.com;", " s=s2026;" }) Assert.Contains(tag, signature);
        var signedHeaders = System.Text.RegularExpressions.Regex.Match(signature, @"[\s;]h=([^;]+);").Groups[1].Value;
        signedHeaders = System.Text.RegularExpressions.Regex.Replace(signedHeaders, @"\s", "").ToLowerInvariant();
        Assert.Equal(new[] { "content-type", "date", "from", "list-unsubscribe", "list-unsubscribe-post", "message-id", "mime-version", "subject", "to" },
            signedHeaders.Split(':').Order().ToArray());

        Assert.Equal("pass", await DkimpyAsync(message, "s2026._domainkey.example.com", record));
        // The same check fails on a message changed after signing, so it can fail.
        var tampered = Encoding.UTF8.GetBytes(text.Replace("Hello", "Hullo"));
        Assert.Equal("fail", await DkimpyAsync(tampered, "s2026._domainkey.example.com", record));
    }

    [Fact]
    public async Task A_pem_that_does_not_parse_is_refused_naming_the_field_and_a_key_needs_a_domain()
    {
        var refused = await client.PostAsync("/api/transports", Problems.Json(new
        {
            name = "bad-key", kind = "pickup", dkimDomain = "example.com", dkimSelector = "s1",
            dkimPrivateKey = "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----",
        }));
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "dkimPrivateKey");

        var id = await CreateAsync(new { name = "no-domain", kind = "pickup" });
        var generated = await client.PostAsync($"/api/transports/{id}/dkim-key", null);
        await generated.AssertProblemAsync(HttpStatusCode.BadRequest, "dkimDomain");
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/transports/999999/dkim-key", null)).StatusCode);
    }

    /// <summary>Runs dkimpy's verify with a DNS function that answers the one record; prints pass or fail.</summary>
    private static async Task<string> DkimpyAsync(byte[] message, string name, string record)
    {
        const string Script = """
            import sys, dkim
            name, record = sys.argv[1].encode(), sys.argv[2].encode()
            def dns(qname, timeout=5):
                q = qname if isinstance(qname, bytes) else qname.encode()
                return record if q.rstrip(b".") == name else None
            print("pass" if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns) else "fail")
            """;
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", Script, name, record])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.BaseStream.WriteAsync(message);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "dkimpy failed: " + error);
        return output.Trim();
    }
}
