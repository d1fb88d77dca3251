namespace Triton.Core.Mail.Mime;

/// <summary>A header name or value that cannot go on the wire unchanged (bad field name, CR or LF in a value).</summary>
public sealed class InvalidHeaderException(string message, string paramName) : ArgumentException(message, paramName);
