namespace Triton.Core.Mail.Smtp;

/// <summary>Maps a negative reply to the outcome the engine acts on.</summary>
public static class SmtpReplyClassifier
{
    public enum Stage { Greeting, Mail, Recipient, Data, Authentication }

    /// <summary>A throttling reply: 421, 450, 451, any 4.7.x, or a 4xx speaking of rates or too many.</summary>
    public static bool IsThrottling(SmtpReply reply)
    {
        if (!reply.IsTransientNegative) return false;
        if (reply.Code is 421 or 450 or 451) return true;
        if (reply.Enhanced is { Class: 4, Subject: 7 }) return true;
        var text = string.Join(" ", reply.Lines);
        return text.Contains("too many", StringComparison.OrdinalIgnoreCase)
            || text.Contains("rate", StringComparison.OrdinalIgnoreCase)
            || text.Contains("throttl", StringComparison.OrdinalIgnoreCase);
    }

    public static SendResult Classify(SmtpReply reply, Stage stage)
    {
        var text = reply.ToString();
        if (reply.IsTransientNegative)
            return new SendResult(IsThrottling(reply) ? SendOutcome.Deferred : SendOutcome.Transient, text, reply.Code);
        var outcome = stage switch
        {
            Stage.Recipient => SendOutcome.Bounced,
            Stage.Mail or Stage.Data => SendOutcome.Rejected,
            _ => SendOutcome.TransportFailure,
        };
        return new SendResult(outcome, text, reply.Code);
    }
}
