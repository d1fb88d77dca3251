using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Domain;
using Triton.Web.Api;

namespace Triton.Tests.Api;

/// <summary>A write that loses a race to a unique index answers 409, not 500.</summary>
public sealed class ConflictProblemHandlerTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Unique_violation_from_the_database_becomes_409_problem_details()
    {
        _ = factory.Client();
        var violation = await factory.WithDbAsync(async db =>
        {
            db.Groups.Add(new Group { Name = "raced", Scope = GroupScope.List });
            db.Groups.Add(new Group { Name = "raced", Scope = GroupScope.List });
            return await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        });

        using var scope = factory.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Response.Body = new MemoryStream();
        var handler = ActivatorUtilities.CreateInstance<ConflictProblemHandler>(scope.ServiceProvider);
        Assert.True(await handler.TryHandleAsync(context, violation, CancellationToken.None));
        Assert.Equal((int)HttpStatusCode.Conflict, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(409, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(0, await factory.WithDbAsync(db => db.Groups.CountAsync(g => g.Name == "raced")));

        Assert.False(await handler.TryHandleAsync(new DefaultHttpContext { RequestServices = scope.ServiceProvider }, new InvalidOperationException(), CancellationToken.None));
    }
}
