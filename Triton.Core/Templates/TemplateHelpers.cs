using System.Globalization;
using System.Text.Json;
using HandlebarsDotNet;
using HandlebarsDotNet.PathStructure;

namespace Triton.Core.Templates;

/// <summary>
/// The built-in helpers: formatDate, formatNumber, default, upper, lower, urlEncode, trackingPixelUrl, unsubscribeUrl.
/// Formatting uses the invariant culture so a message does not depend on the server's locale.
/// </summary>
internal static class TemplateHelpers
{
    public static void Register(IHandlebars handlebars)
    {
        handlebars.RegisterHelper("formatDate", (context, arguments) =>
        {
            Require(arguments, 1, "formatDate", "a date and an optional format");
            var format = arguments.Length > 1 ? Format(arguments[1], "formatDate", numeric: false) : "yyyy-MM-dd";
            return ToDate(arguments[0]) is { } date
                ? date.ToString(format, CultureInfo.InvariantCulture)
                : throw new HandlebarsRuntimeException($"formatDate: '{Text(arguments[0])}' is not a date.");
        });
        handlebars.RegisterHelper("formatNumber", (context, arguments) =>
        {
            Require(arguments, 1, "formatNumber", "a number and an optional format");
            var format = arguments.Length > 1 ? Format(arguments[1], "formatNumber", numeric: true) : "N0";
            return ToNumber(arguments[0]) is { } number
                ? number.ToString(format, CultureInfo.InvariantCulture)
                : throw new HandlebarsRuntimeException($"formatNumber: '{Text(arguments[0])}' is not a number.");
        });
        handlebars.RegisterHelper("default", (context, arguments) =>
        {
            Require(arguments, 2, "default", "a value and a fallback");
            return IsEmpty(arguments[0]) ? arguments[1] : arguments[0];
        });
        handlebars.RegisterHelper("upper", (context, arguments) =>
        {
            Require(arguments, 1, "upper", "a value");
            return Text(arguments[0]).ToUpperInvariant();
        });
        handlebars.RegisterHelper("lower", (context, arguments) =>
        {
            Require(arguments, 1, "lower", "a value");
            return Text(arguments[0]).ToLowerInvariant();
        });
        handlebars.RegisterHelper("urlEncode", (context, arguments) =>
        {
            Require(arguments, 1, "urlEncode", "a value");
            return Uri.EscapeDataString(Text(arguments[0]));
        });
        // The open pixel's URL for authors who place the pixel themselves; empty when the message is
        // not tracked (no category, tracking off, a preview).
        handlebars.RegisterHelper("trackingPixelUrl", (in HelperOptions options, in Context context, in Arguments arguments) =>
        {
            if (options.Frame.Data[ChainSegment.Root] is not RenderContext { TrackingPixelUrl: { } url } root) return "";
            root.TrackingPixelPlaced = true;
            return url;
        });
        // The recipient's own link, read from the render's root (so it works inside {{#each}} and partials);
        // a preview or a render without a recipient's link writes "#" so the markup stays a valid link.
        handlebars.RegisterHelper("unsubscribeUrl", (in HelperOptions options, in Context context, in Arguments arguments) =>
            options.Frame.Data[ChainSegment.Root] is RenderContext { UnsubscribeUrl: { } url } ? url : "#");
    }

    /// <summary>
    /// A .NET format string short enough that its output stays small: at most 64 characters, no
    /// braces (composite formatting such as {0,999999999} pads to any width), and for numbers a
    /// precision of at most 30 digits ("N999999999" would write a billion of them).
    /// </summary>
    private static string Format(object? argument, string helper, bool numeric)
    {
        var format = Text(argument);
        if (format.Length > MaxFormatLength)
            throw new HandlebarsRuntimeException($"{helper}: a format may be at most {MaxFormatLength} characters; this one has {format.Length}.");
        if (format.AsSpan().IndexOfAny('{', '}') >= 0)
            throw new HandlebarsRuntimeException($"{helper}: a format may not contain a brace: '{format}' is not a .NET {(numeric ? "number" : "date")} format.");
        if (numeric && format.Length > 1 && char.IsAsciiLetter(format[0]) && format.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0
            && (format.Length > 3 || int.Parse(format.AsSpan(1), CultureInfo.InvariantCulture) > MaxPrecision))
            throw new HandlebarsRuntimeException($"{helper}: the precision of '{format}' is more than {MaxPrecision} digits.");
        return format;
    }

    private const int MaxFormatLength = 64;
    private const int MaxPrecision = 30;

    private static void Require(Arguments arguments, int count, string helper, string what)
    {
        if (arguments.Length < count)
            throw new HandlebarsRuntimeException($"{helper} needs {what}.");
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        UndefinedBindingResult => "",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static bool IsEmpty(object? value) => value switch
    {
        null or UndefinedBindingResult => true,
        string text => string.IsNullOrWhiteSpace(text),
        _ => false,
    };

    private static DateTimeOffset? ToDate(object? value) => value switch
    {
        DateTimeOffset date => date,
        DateTime date => new DateTimeOffset(date),
        long milliseconds => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds),
        string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) => date,
        _ => null,
    };

    private static decimal? ToNumber(object? value) => value switch
    {
        long number => number,
        int number => number,
        double number => (decimal)number,
        decimal number => number,
        string text when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
        JsonElement { ValueKind: JsonValueKind.Number } element => element.GetDecimal(),
        _ => null,
    };
}
