using Microsoft.Playwright;

namespace Triton.Tests.Browser;

/// <summary>The static sign-in form, filled in as a person does.</summary>
public static class AdminSignIn
{
    /// <summary>Signs in and waits until the page the form leads to has loaded.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await SubmitAsync(page, email, password);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Fills in the form and presses Sign in; the caller waits for where it leads.</summary>
    public static async Task SubmitAsync(IPage page, string email, string password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
