using Triton.Web.Access;

namespace Triton.Tests.Web;

/// <summary>The settings page's rules: each bad value names its field, and good or blank values pass.</summary>
public sealed class UserSettingsValidatorTests
{
    private readonly UserSettingsValidator validator = new();

    [Fact]
    public void Each_bad_value_is_named_by_its_field()
    {
        var errors = validator.Validate(new UserSettings(5, "not an address", "Mars/Olympus")).Errors.ToDictionary(e => e.PropertyName, e => e.ErrorMessage);
        Assert.Equal(["defaultTestRecipient", "pageSize", "timeZone"], errors.Keys.Order());
        Assert.Equal("The page size is between 10 and 500.", errors["pageSize"]);
        Assert.Equal("'Mars/Olympus' is not a time zone this server knows.", errors["timeZone"]);
        Assert.False(validator.Validate(new UserSettings(501, null, null)).IsValid);
    }

    [Theory]
    [InlineData(10, null, null)]
    [InlineData(500, " qa@example.com ", "Europe/Oslo")]
    [InlineData(50, "", " ")]
    public void Good_or_blank_values_pass(int pageSize, string? recipient, string? zone) =>
        Assert.True(validator.Validate(new UserSettings(pageSize, recipient, zone)).IsValid);
}
