using System.Net;
using System.Text;
using System.Text.Json;

namespace Triton.Tests.Api;

public static class Problems
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object value) => Json(JsonSerializer.Serialize(value, JsonSerializerOptions.Web));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem-details answer with this status that names the field under "errors".</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {text}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.MediaType ?? "");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.True(body.TryGetProperty("errors", out var errors), $"No errors in {text}");
            Assert.True(errors.TryGetProperty(field, out _), $"Field '{field}' not named in {text}");
        }
        return body;
    }
}
