using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Digests;

/// <summary>A template an analyst broke stops the start, naming the file, line and column.</summary>
public sealed class TemplateCheckTests : IDisposable
{
    private readonly TempDirectory folder = TestFiles.CreateTempDirectory("templates");

    public TemplateCheckTests()
    {
        foreach (var file in Directory.GetFiles(TestFiles.InRepo("templates"), "*.sbn"))
        {
            File.Copy(file, folder.File(Path.GetFileName(file)));
        }
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_shipped_templates_pass_the_start_up_check() =>
        new Action(() => _ = new DigestRenderer(TestFiles.InRepo("templates"))).Should().NotThrow();

    [Fact]
    public void A_syntax_error_names_the_file_line_and_column()
    {
        File.AppendAllText(folder.File(DigestRenderer.TextFile), "\n{{ for pupil in pupils }}never closed\n");

        var error = new Action(() => _ = new DigestRenderer(folder.Path)).Should().Throw<TemplateException>().Which.Message;

        error.Should().Contain(DigestRenderer.TextFile).And.MatchRegex(@"\(\d+,\d+\)");
    }

    [Fact]
    public void An_unknown_variable_names_the_file_line_and_column()
    {
        var lines = File.ReadAllLines(folder.File(DigestRenderer.HtmlFile)).ToList();
        lines.Insert(3, "<p>{{ school.rektor_namn }}</p>");
        File.WriteAllLines(folder.File(DigestRenderer.HtmlFile), lines);

        var error = new Action(() => _ = new DigestRenderer(folder.Path)).Should().Throw<TemplateException>().Which.Message;

        error.Should().Contain(DigestRenderer.HtmlFile).And.Contain("(4,").And.Contain("rektor_namn");
    }

    [Fact]
    public void A_missing_template_file_is_named()
    {
        File.Delete(folder.File(DigestRenderer.SubjectFile));

        new Action(() => _ = new DigestRenderer(folder.Path)).Should().Throw<TemplateException>()
            .Which.Message.Should().Contain(DigestRenderer.SubjectFile);
    }

    [Fact]
    public void A_first_digest_listing_more_than_a_thousand_pupils_renders_every_one()
    {
        var sample = DigestRenderer.SampleModel(DigestKind.Overview);
        var listed = Enumerable.Range(1, 1_200).Select(i => new DigestListed("Riskfrånvaro", $"Klass {i}", 1, $"Elev {i}")).ToList();

        var digest = new DigestRenderer(TestFiles.InRepo("templates")).Render(sample with { Listed = listed });

        digest.Text.Should().Contain("Elev 1200");
        digest.Html.Should().Contain("Elev 1200");
    }
}
