namespace Triton.Tests.Bounces;

/// <summary>Bounces as real servers write them: RFC 3464 reports and the common plain-text formats.</summary>
internal static class BounceSamples
{
    /// <summary>Postfix's RFC 3464 report of a 550 5.1.1, to the VERP address, with the original's headers.</summary>
    public static string PostfixDsn(string verp, string recipient, string messageId) => $"""
        Return-Path: <>
        Delivered-To: {verp}
        Date: Mon, 30 Nov 2026 08:01:02 +0000 (UTC)
        From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
        Subject: Undelivered Mail Returned to Sender
        To: {verp}
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B1.1764489662/mx.example.net"
        Message-Id: <20261130080102.AB12@mx.example.net>

        This is a MIME-encapsulated message.

        --B1.1764489662/mx.example.net
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.example.net.

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients.

        <{recipient}>: host mail.example.org[203.0.113.5] said: 550 5.1.1
            <{recipient}>: Recipient address rejected: User unknown (in reply to RCPT TO command)

        --B1.1764489662/mx.example.net
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net
        X-Postfix-Queue-ID: AB12
        Arrival-Date: Mon, 30 Nov 2026 08:01:01 +0000 (UTC)

        Final-Recipient: rfc822; {recipient}
        Original-Recipient: rfc822;{recipient}
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mail.example.org
        Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

        --B1.1764489662/mx.example.net
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        Return-Path: <{verp}>
        From: news@triton.test
        To: {recipient}
        Subject: Hi
        Message-ID: <{messageId}>

        --B1.1764489662/mx.example.net--
        """;

    /// <summary>A "delayed" report with a 4.4.1 status: a soft bounce.</summary>
    public static string DelayedDsn(string verp, string recipient) => $"""
        From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
        Subject: Delayed Mail (still being retried)
        To: {verp}
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="D2"

        --D2
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.example.net.
        Your message could not be delivered for more than 4 hour(s). It will be retried until it is 5 day(s) old.

        --D2
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; {recipient}
        Action: delayed
        Status: 4.4.1
        Diagnostic-Code: X-Postfix; connect to mail.example.org[203.0.113.5]:25: Connection timed out
        Will-Retry-Until: Sat, 5 Dec 2026 08:01:01 +0000 (UTC)

        --D2--
        """;

    /// <summary>Exim's plain-text bounce: no report part, the original quoted below.</summary>
    public static string EximBounce(string verp, string recipient) => $"""
        Return-path: <>
        Envelope-to: {verp}
        From: Mail Delivery System <Mailer-Daemon@exim.example.com>
        To: {verp}
        Subject: Mail delivery failed: returning message to sender
        Auto-Submitted: auto-replied

        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          {recipient}
            host mx.example.org [198.51.100.7]
            SMTP error from remote mail server after RCPT TO:<{recipient}>:
            550 5.1.1 <{recipient}>: User unknown in virtual mailbox table

        ------ This is a copy of the message, including all the headers. ------

        Return-path: <{verp}>
        From: news@triton.test
        To: {recipient}
        Subject: Hi
        """;

    /// <summary>qmail's bounce: the failed address in angle brackets, a 5xx without an enhanced code.</summary>
    public static string QmailBounce(string recipient) => $"""
        From: MAILER-DAEMON@qmail.example.com
        To: bounces@triton.test
        Subject: failure notice

        Hi. This is the qmail-send program at qmail.example.com.
        I'm afraid I wasn't able to deliver your message to the following addresses.
        This is a permanent error; I've given up. Sorry it didn't work out.

        <{recipient}>:
        198.51.100.9 does not like recipient.
        Remote host said: 550 sorry, no mailbox here by that name.
        Giving up on 198.51.100.9.
        """;

    /// <summary>An Exchange-like non-delivery report with its #550 5.1.1 diagnostic.</summary>
    public static string ExchangeBounce(string recipient) => $"""
        From: postmaster@contoso.example
        To: bounces@triton.test
        Subject: Undeliverable: Hi

        Delivery has failed to these recipients or groups:

        {recipient}
        The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.

        Diagnostic information for administrators:

        Generating server: EX01.contoso.example

        {recipient}
        #550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##
        """;

    /// <summary>An out-of-office reply: not a bounce.</summary>
    public static string AutoReply(string verp) => $"""
        From: Reader <reader@example.org>
        To: {verp}
        Subject: Out of office
        Auto-Submitted: auto-replied

        I am away until Monday and will answer your message then.
        """;

    /// <summary>What a mail client sends to the List-Unsubscribe mailto.</summary>
    public static string UnsubscribeMail(string to, string from) => $"""
        From: {from}
        To: {to}
        Subject: unsubscribe

        """;
}
