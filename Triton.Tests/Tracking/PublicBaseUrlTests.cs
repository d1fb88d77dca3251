using Triton.Core;

namespace Triton.Tests.Tracking;

/// <summary>Links in messages point at Triton:PublicUrl only when it is an absolute http(s) address.</summary>
public sealed class PublicBaseUrlTests
{
    [Theory]
    [InlineData("https://mail.example.com/", "https://mail.example.com")]
    [InlineData(" http://10.0.0.5:8080/triton ", "http://10.0.0.5:8080/triton")]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    [InlineData("mail.example.com", null)]
    [InlineData("ftp://mail.example.com", null)]
    public void Only_an_absolute_http_address_is_taken(string? configured, string? expected) =>
        Assert.Equal(expected, new TritonOptions { PublicUrl = configured }.PublicBaseUrl);
}
