using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using Npgsql;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests;

// Proves the shared fixtures work against the real servers, so a failure elsewhere is not theirs.
public sealed class TestSupportSmokeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_test_database_is_migrated_and_has_the_attendance_fact_table()
    {
        await using var command = db.DataSource.CreateCommand(
            "select count(*) from information_schema.tables where table_schema = 'public' and table_name = 'attendance_fact'");

        var tables = (long)(await command.ExecuteScalarAsync())!;

        tables.Should().Be(1);
        new NpgsqlConnectionStringBuilder(db.ConnectionString).Database.Should().Be(db.DatabaseName).And.StartWith("t_");
    }

    [Fact]
    public async Task Reset_empties_the_tables_but_keeps_the_migration_journal()
    {
        await using (var insert = db.DataSource.CreateCommand(
            "insert into school (skolenhetskod, name, driftsform, huvudman) values ('12345678', 'Åkerskolan', 'Municipal', 'Kommunen')"))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await db.ResetAsync();

        await using var schools = db.DataSource.CreateCommand("select count(*) from school");
        ((long)(await schools.ExecuteScalarAsync())!).Should().Be(0);
        await using var journal = db.DataSource.CreateCommand("select count(*) from schema_version");
        ((long)(await journal.ExecuteScalarAsync())!).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_mail_sent_over_smtp_arrives_in_the_sink_with_its_envelope()
    {
        using var smtp = SmtpSink.StartNew();
        using var client = new SmtpClient(smtp.Host, smtp.Port);
        using var message = new MailMessage("noreply@skolnarvaro.test", "rektor@akerskolan.test")
        {
            Subject = "Tidig varning – Åkerskolan",
            Body = "Två elever har ny riskfrånvaro.",
        };
        message.Bcc.Add("arkiv@kommunen.test");

        await client.SendMailAsync(message);
        var mails = await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10));

        mails.Should().ContainSingle();
        mails[0].MailFrom.Should().Be("noreply@skolnarvaro.test");
        mails[0].Recipients.Should().Equal("rektor@akerskolan.test", "arkiv@kommunen.test");
        mails[0].Header("To").Should().Contain("rektor@akerskolan.test");
        mails[0].Text.Should().NotContain("arkiv@kommunen.test", "Bcc is envelope-only");
    }

    [Fact]
    public async Task The_sink_refuses_connections_while_stopped_and_comes_back_on_the_same_port()
    {
        using var smtp = SmtpSink.StartNew();
        var port = smtp.Port;

        smtp.Stop();
        var whileDown = async () =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
        };
        await whileDown.Should().ThrowAsync<SocketException>();

        smtp.Start();
        using var client = new SmtpClient(smtp.Host, smtp.Port);
        await client.SendMailAsync("noreply@skolnarvaro.test", "rektor@akerskolan.test", "Efter avbrottet", "Hej");

        smtp.Port.Should().Be(port);
        (await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10))).Single().Header("Subject").Should().Be("Efter avbrottet");
    }

    [Fact]
    public async Task A_sink_with_credentials_requires_smtp_auth_and_records_the_user()
    {
        using var smtp = SmtpSink.StartNew("skolnarvaro", "hemligt");

        using (var anonymous = new SmtpClient(smtp.Host, smtp.Port))
        {
            var send = () => anonymous.SendMailAsync("noreply@skolnarvaro.test", "rektor@akerskolan.test", "Utan inloggning", "Hej");
            await send.Should().ThrowAsync<SmtpException>();
        }

        using var client = new SmtpClient(smtp.Host, smtp.Port) { Credentials = new NetworkCredential("skolnarvaro", "hemligt") };
        await client.SendMailAsync("noreply@skolnarvaro.test", "rektor@akerskolan.test", "Med inloggning", "Hej");

        var mail = (await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10))).Single();
        mail.AuthenticatedUser.Should().Be("skolnarvaro");
    }
}
