using MailKit.Security;
using MimeKit;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Delivery;

/// <summary>Digests from the real outbox through MailKit to a real SMTP server process.</summary>
public sealed class SmtpDeliveryTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly ManualClock clock = new(new DateTimeOffset(2026, 11, 20, 5, 0, 0, TimeSpan.Zero));
    private OutboxHarness outbox = null!;

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        outbox = new OutboxHarness(db.DataSource, clock);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_digest_reaches_both_rektorer_of_its_school_with_text_and_html_parts_and_Swedish_intact()
    {
        using var smtp = SmtpSink.StartNew();
        var key = await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1,
            ("Åke Öst", "rektor@angsskolan.example.se"), ("Märta Ek", "bitr.rektor@angsskolan.example.se"));

        var result = await DeliverAsync(OutboxHarness.PlainSmtp(smtp));

        result.Should().Be(new DeliveryResult(1, 0));
        var mail = (await smtp.WaitForMessagesAsync(1, Wait)).Should().ContainSingle().Subject;
        mail.Recipients.Should().Equal("rektor@angsskolan.example.se", "bitr.rektor@angsskolan.example.se");
        mail.MailFrom.Should().Be(OutboxHarness.From);

        var mime = MimeMessage.Load(new MemoryStream(mail.Raw));
        mime.From.Mailboxes.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "Skolnärvaro – tidig varning", Address = OutboxHarness.From });
        mime.To.Mailboxes.Select(m => m.Name).Should().Equal("Åke Öst", "Märta Ek");
        mime.Subject.Should().Be(OutboxHarness.Subject("Ängsskolan"));
        mime.MessageId.Should().Be($"{key}@skolnarvaro");
        mime.Body.Should().BeOfType<MultipartAlternative>();
        mime.BodyParts.OfType<TextPart>().Select(p => p.ContentType.MimeType).Should().Equal("text/plain", "text/html");
        mime.TextBody!.ReplaceLineEndings("\n").Should().Be(OutboxHarness.Text("Ängsskolan"));
        mime.HtmlBody.Should().Contain("Åsa Ö., 7B: <strong>hög frånvaro</strong>");
        (await outbox.RowAsync(key)).SentAt.Should().Be(clock.Now);
    }

    [Fact]
    public async Task Each_rektor_receives_only_the_digest_of_their_own_school()
    {
        using var smtp = SmtpSink.StartNew();
        await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        await outbox.EnqueueDigestAsync("22222222", "Björkskolan", 1, ("Lena Björk", "rektor@bjorkskolan.example.se"));

        await DeliverAsync(OutboxHarness.PlainSmtp(smtp));

        var mails = await smtp.WaitForMessagesAsync(2, Wait);
        mails.Select(m => (m.Recipients.Single(), MimeMessage.Load(new MemoryStream(m.Raw)).Subject)).Should().BeEquivalentTo(new[]
        {
            ("rektor@angsskolan.example.se", OutboxHarness.Subject("Ängsskolan")),
            ("rektor@bjorkskolan.example.se", OutboxHarness.Subject("Björkskolan")),
        });
    }

    [Fact]
    public async Task An_address_listed_for_two_schools_receives_two_separate_digests()
    {
        using var smtp = SmtpSink.StartNew();
        const string shared = "rektor@tvaskolor.example.se";
        var first = await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Rektor", shared));
        var second = await outbox.EnqueueDigestAsync("22222222", "Björkskolan", 1, ("Rektor", shared));

        var result = await DeliverAsync(OutboxHarness.PlainSmtp(smtp));

        result.Sent.Should().Be(2);
        (await outbox.RowsAsync()).Select(r => r.Key).Should().Equal(first, second);
        var mails = (await smtp.WaitForMessagesAsync(2, Wait)).Select(m => MimeMessage.Load(new MemoryStream(m.Raw))).ToList();
        mails.Should().HaveCount(2).And.OnlyContain(m => m.To.Mailboxes.Single().Address == shared);
        mails.Select(m => m.MessageId).Should().Equal($"{first}@skolnarvaro", $"{second}@skolnarvaro");
        mails.Select(m => m.TextBody).Should().Satisfy(t => t.Contains("Ängsskolan"), t => t.Contains("Björkskolan"));
    }

    [Fact]
    public async Task With_the_right_credentials_a_server_requiring_AUTH_accepts_the_digest()
    {
        using var smtp = SmtpSink.StartNew("skolnarvaro", "rätt-lösen");
        await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        var settings = OutboxHarness.PlainSmtp(smtp);
        settings.Username = "skolnarvaro";
        settings.Password = "rätt-lösen";

        var result = await DeliverAsync(settings);

        result.Sent.Should().Be(1);
        (await smtp.WaitForMessagesAsync(1, Wait)).Single().AuthenticatedUser.Should().Be("skolnarvaro");
    }

    [Fact]
    public async Task With_a_wrong_password_nothing_is_sent_and_the_outbox_says_authentication_failed()
    {
        using var smtp = SmtpSink.StartNew("skolnarvaro", "rätt-lösen");
        var key = await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        var settings = OutboxHarness.PlainSmtp(smtp);
        settings.Username = "skolnarvaro";
        settings.Password = "fel-lösen";

        var result = await DeliverAsync(settings);

        result.Should().Be(new DeliveryResult(0, 1));
        smtp.Messages.Should().BeEmpty();
        var row = await outbox.RowAsync(key);
        row.SentAt.Should().BeNull();
        row.LastError.Should().StartWith(nameof(AuthenticationException)).And.Contain("535");
    }

    [Fact]
    public async Task The_default_StartTls_setting_sends_nothing_to_a_server_without_TLS()
    {
        using var smtp = SmtpSink.StartNew();
        var key = await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));

        var result = await DeliverAsync(new SmtpSettings { Host = smtp.Host, Port = smtp.Port });

        result.Should().Be(new DeliveryResult(0, 1));
        smtp.Messages.Should().BeEmpty();
        (await outbox.RowAsync(key)).LastError.Should().Contain("STARTTLS");
    }

    private async Task<DeliveryResult> DeliverAsync(SmtpSettings settings)
    {
        await using var transport = new SmtpTransport(settings);
        return await outbox.Sender().DeliverDueAsync(transport);
    }
}
