using Triton.Core.Domain;
using Triton.Core.Mail.Smtp;

namespace Triton.Core.Mail;

/// <summary>What a connection test found out about a transport.</summary>
public sealed record TransportConnectionReport
{
    public required bool Success { get; init; }
    public string? Greeting { get; init; }
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public IReadOnlyList<string> AuthMechanisms { get; init; } = [];
    public long? MaxMessageSize { get; init; }
    public bool Tls { get; init; }

    /// <summary>Null when no credentials are configured (nothing to authenticate).</summary>
    public bool? Authenticated { get; init; }

    /// <summary>The outcome class of the failure (TransportFailure, Transient, Deferred), null on success.</summary>
    public SendOutcome? FailureOutcome { get; init; }
    public string? Error { get; init; }
}

/// <summary>Connects, starts TLS and authenticates as a transport would, and reports what the server advertised.</summary>
public sealed class TransportConnectionTester(SmtpTransportBuilder smtpBuilder, TransportRegistry transports)
{
    public async Task<TransportConnectionReport> TestAsync(Transport transport, CancellationToken cancellationToken)
    {
        if (transport.Kind == TransportKind.Pickup) return TestPickup(transport);

        SmtpClientOptions options;
        try
        {
            options = smtpBuilder.ClientOptions(transport);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            return new TransportConnectionReport { Success = false, FailureOutcome = SendOutcome.TransportFailure, Error = ex.Message };
        }

        try
        {
            await using var connection = await SmtpSession.ConnectAsync(options, cancellationToken);
            var report = Report(connection.Greeting, connection.Capabilities, connection.IsEncrypted) with
            {
                Success = true,
                Authenticated = options.Username is null ? null : connection.IsAuthenticated,
            };
            await connection.QuitAsync(cancellationToken);
            return report;
        }
        catch (SmtpSessionException ex)
        {
            return Report(ex.Greeting, ex.Capabilities, ex.Encrypted) with
            {
                Success = false,
                Authenticated = options.Username is null ? null : false,
                FailureOutcome = ex.Result.Outcome,
                Error = ex.Result.Reply,
            };
        }
    }

    private static TransportConnectionReport Report(SmtpReply? greeting, SmtpCapabilities? capabilities, bool tls) => new()
    {
        Success = false,
        Greeting = greeting?.ToString(),
        Capabilities = capabilities?.Extensions.Select(e => e.Value.Length == 0 ? e.Key : e.Key + " " + e.Value).ToList() ?? [],
        AuthMechanisms = capabilities?.AuthMechanisms.Order().ToList() ?? [],
        MaxMessageSize = capabilities?.MaxSize,
        Tls = tls,
    };

    /// <summary>A pickup transport works when its folder can be created and written.</summary>
    private TransportConnectionReport TestPickup(Transport transport)
    {
        string directory;
        try
        {
            directory = transports.ResolvePickupDirectory(transport);
        }
        catch (InvalidOperationException ex)
        {
            return new TransportConnectionReport { Success = false, FailureOutcome = SendOutcome.TransportFailure, Error = ex.Message };
        }
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, "." + Guid.NewGuid().ToString("N") + ".probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return new TransportConnectionReport { Success = true, Greeting = "Pickup directory " + directory + " is writable." };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new TransportConnectionReport { Success = false, FailureOutcome = SendOutcome.TransportFailure, Error = $"Pickup directory {directory}: {ex.Message}" };
        }
    }
}
