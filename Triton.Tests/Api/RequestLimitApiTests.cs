namespace Triton.Tests.Api;

public sealed class RequestLimitApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>A body without Content-Length (chunked) is capped while it is read.</summary>
    [Fact]
    public async Task Oversized_chunked_body_answers_413_and_changes_nothing()
    {
        var client = factory.Client();
        var before = await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Groups));
        var huge = "{\"name\":\"" + new string('a', 11 * 1024 * 1024) + "\",\"scope\":\"list\"}";
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(huge)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/groups") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await client.SendAsync(request);
        await response.AssertProblemAsync(System.Net.HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Groups)));
    }

    [Fact]
    public async Task Wrong_type_names_the_field_in_problem_details()
    {
        var response = await factory.Client().PostAsync("/api/transports", Problems.Json("""{"name":"t","kind":"smtp","host":"h","port":{"x":1}}"""));
        var body = await response.AssertProblemAsync(System.Net.HttpStatusCode.BadRequest, "port");
        Assert.Contains("port", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Missing_body_answers_400_problem_details_and_creates_nothing()
    {
        var client = factory.Client();
        var before = await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Transports));
        var response = await client.PostAsync("/api/transports", new StringContent("", System.Text.Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(System.Net.HttpStatusCode.BadRequest);
        Assert.Equal(before, await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Transports)));
    }
}
