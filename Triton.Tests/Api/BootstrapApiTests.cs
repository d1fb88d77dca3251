using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core;
using Triton.Core.Data;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Access;

namespace Triton.Tests.Api;

public sealed class BootstrapApiTests
{
    [Fact]
    public async Task Configured_key_is_created_hashed_on_an_empty_database_and_authenticates()
    {
        using var factory = new ApiFactory();
        var response = await factory.Client().GetAsync("/api/groups");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var keys = await factory.WithDbAsync(db => db.ApiKeys.ToListAsync());
        var key = Assert.Single(keys);
        Assert.Equal("bootstrap", key.Name);
        Assert.Equal(ApiKeySecrets.Hash(ApiFactory.Key), key.Hash);
        Assert.DoesNotContain(ApiFactory.Key, key.Hash);
    }

    [Fact]
    public async Task Requests_without_or_with_a_wrong_key_get_401()
    {
        using var factory = new ApiFactory();
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/transports", Problems.Json("{}"))).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "trk_wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/campaigns")).StatusCode);
    }

    [Fact]
    public async Task Bootstrap_adds_a_key_only_while_none_exists()
    {
        using var factory = new ApiFactory();
        _ = factory.Client();
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>();
        var keys = new ApiKeyService(dbFactory, TimeProvider.System, Options.Create(new TritonOptions()));
        const string another = "trk_another_key_abcdef_0123456789abcdef";
        var other = new ApiKeyBootstrap(keys, Options.Create(new TritonOptions { Bootstrap = { ApiKey = another } }), NullLogger<ApiKeyBootstrap>.Instance);

        Assert.False(await other.EnsureAsync(CancellationToken.None));
        Assert.Equal(ApiKeySecrets.Hash(ApiFactory.Key), (await factory.WithDbAsync(db => db.ApiKeys.SingleAsync())).Hash);

        await factory.WithDbAsync(db => db.ApiKeys.ExecuteDeleteAsync());
        Assert.True(await other.EnsureAsync(CancellationToken.None));
        Assert.Equal(ApiKeySecrets.Hash(another), (await factory.WithDbAsync(db => db.ApiKeys.SingleAsync())).Hash);

        var unset = new ApiKeyBootstrap(keys, Options.Create(new TritonOptions()), NullLogger<ApiKeyBootstrap>.Instance);
        await factory.WithDbAsync(db => db.ApiKeys.ExecuteDeleteAsync());
        Assert.False(await unset.EnsureAsync(CancellationToken.None));
        Assert.Equal(0, await factory.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }
}
