using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Tracking;
using Triton.Tests.Infrastructure;
using Triton.Web.Mail;

namespace Triton.Tests.Tracking;

public sealed class TokenSignerTests
{
    [Fact]
    public async Task Tokens_open_only_unaltered_and_only_for_their_purpose()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var db = database.CreateContext()) await db.Database.MigrateAsync();
        var signer = new TokenSigner(database.ContextFactory(), Protector(), TimeProvider.System);

        var opens = await signer.KeyForAsync("open", CancellationToken.None);
        var token = opens.Sign("campaign 7, delivery 42");

        Assert.Equal("campaign 7, delivery 42", opens.OpenText(token));
        Assert.Null((await signer.KeyForAsync("unsubscribe", CancellationToken.None)).OpenText(token));
        var bytes = Encoding.ASCII.GetBytes(token);
        for (var i = 0; i < bytes.Length; i++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[i] = (byte)(flipped[i] == (byte)'A' ? 'B' : 'A');
            Assert.Null(opens.OpenText(Encoding.ASCII.GetString(flipped)));
        }
        Assert.Null(opens.OpenText(""));
        Assert.Null(opens.OpenText("not base64 !"));
        Assert.Null(opens.OpenText("AAAA"));
    }

    [Fact]
    public async Task Instances_on_one_database_share_one_key()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using (var db = database.CreateContext()) await db.Database.MigrateAsync();
        var protector = Protector();
        var first = new TokenSigner(database.ContextFactory(), protector, TimeProvider.System);
        var second = new TokenSigner(database.ContextFactory(), protector, TimeProvider.System);

        var token = (await first.KeyForAsync("click", CancellationToken.None)).Sign("https://example.com/");

        Assert.Equal("https://example.com/", (await second.KeyForAsync("click", CancellationToken.None)).OpenText(token));
        await using var check = database.CreateContext();
        Assert.Equal(1, await check.SigningKeys.CountAsync());
    }

    [Fact]
    public async Task Tokens_signed_on_many_threads_at_once_are_each_the_payloads_own_hmac()
    {
        var secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var key = new TokenKey(secret);
        var payloads = Enumerable.Range(0, 4000).Select(i => $"c:{i % 7}:reader{i}@example.com").ToArray();

        // The kept MACs are shared by every signer: each token must still carry its own payload's MAC.
        var tokens = await Task.WhenAll(payloads.Chunk(250).Select(chunk => Task.Run(() => chunk.Select(p => key.Sign(p)).ToArray())));

        foreach (var (payload, token) in payloads.Zip(tokens.SelectMany(t => t)))
        {
            var bytes = Encoding.UTF8.GetBytes(payload);
            var expected = bytes.Concat(System.Security.Cryptography.HMACSHA256.HashData(secret, bytes).Take(16)).ToArray();
            Assert.Equal(System.Buffers.Text.Base64Url.EncodeToString(expected), token);
            Assert.Equal(payload, key.OpenText(token));
        }
    }

    private static DataProtectionSecretProtector Protector() => new(new EphemeralDataProtectionProvider());
}
