using Microsoft.Playwright;

namespace Triton.Tests.Browser;

/// <summary>The static sign-in form, filled in as a person does.</summary>
public static class AdminSignIn
{
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }
}
