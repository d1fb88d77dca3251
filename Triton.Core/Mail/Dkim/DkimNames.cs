using System.Text.RegularExpressions;

namespace Triton.Core.Mail.Dkim;

/// <summary>Checks of the DKIM fields a user enters.</summary>
public static partial class DkimNames
{
    public static bool IsDomain(string value) => value.Length == 0 || Domain().IsMatch(value);

    public static bool IsSelector(string value) => value.Length == 0 || Selector().IsMatch(value);

    /// <summary>Empty (remove the key), or a PEM the signer can use.</summary>
    public static bool IsUsableKey(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem)) return true;
        try
        {
            DkimKeys.ParsePrivateKey(pem.Trim());
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex Domain();

    [GeneratedRegex(@"^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*$")]
    private static partial Regex Selector();
}
