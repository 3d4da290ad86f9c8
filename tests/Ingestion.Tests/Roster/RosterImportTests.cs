using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Roster;

/// <summary>
/// A school's roster (Klass;Mentor;E-post), imported all or nothing with the care of an export, and who mentored which
/// class on which night, asked of <see cref="ClassMentors"/>.
/// </summary>
public sealed class RosterImportTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("roster");
    private const string School = ImportHarness.Skolenhetskod;
    private static readonly DateOnly Night = RosterHarness.Night;

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_good_roster_gives_every_class_its_mentor_from_its_night_on()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);

        var result = await roster.ImportAsync("mentorer_good.csv");

        result.Status.Should().Be(RosterImportStatus.Imported, result.Message);
        result.Message.Should().Be("mentorer_good.csv: roster imported, in force from 2026-09-14: 3 mentors of 3 classes (3 started, 0 ended).");
        (await roster.Mentors.OfClassAsync(School, "7A", Night)).Should().Equal(new Mentor("Åsa Öberg", "asa.oberg@angsskolan.example.se"));
        (await roster.Mentors.OfClassAsync(School, "7A", Night.AddDays(-1))).Should().BeEmpty("the roster is in force from its night");
        (await roster.Mentors.WithoutMentorAsync(School, Night)).Should().BeEmpty();
        (await roster.Mentors.WithoutMentorAsync(School, Night.AddDays(-1))).Should().Equal("7A", "7B", "8A");
    }

    [Fact]
    public async Task A_class_may_have_several_mentors_and_a_mentor_several_classes_and_a_repeated_row_counts_once()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);

        var result = await roster.ImportAsync("mentorer_several_per_class_and_classes_per_mentor.csv");

        result.Status.Should().Be(RosterImportStatus.Imported, result.Message);
        result.Message.Should().Contain("4 mentors of 3 classes").And.Contain("1 repeated row counted once (line 7 repeats line 3)");
        var asa = new Mentor("Åsa Öberg", "asa.oberg@angsskolan.example.se");
        (await roster.Mentors.OfClassAsync(School, "7A", Night)).Should().Equal(new Mentor("Jonas Ali", "jonas.ali@angsskolan.example.se"), asa);
        (await roster.Mentors.OfClassAsync(School, "7B", Night)).Should().Equal([asa], "'7 b' is the exports' 7B, and an address is one mentor whatever its case");
        (await roster.Mentors.OfSchoolAsync(School, Night)).Select(c => $"{c.Class}: {string.Join(", ", c.Mentors.Select(m => m.Name))}")
            .Should().Equal("7A: Jonas Ali, Åsa Öberg", "7B: Åsa Öberg", "8A: Åsa Öberg");
        (await roster.StoredAsync()).Should().Contain("7B Åsa Öberg asa.oberg@angsskolan.example.se 2026-09-14..", "stored in the exports' spelling");
    }

    [Fact]
    public async Task A_class_the_roster_leaves_out_is_named_as_without_a_mentor_never_dropped()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);

        var result = await roster.ImportAsync("mentorer_several_per_class_and_classes_per_mentor.csv");
        var only7A = await roster.ImportAsync("mentorer_only_7a.csv", Night.AddDays(7));

        result.Status.Should().Be(RosterImportStatus.Imported);
        only7A.ClassesWithoutMentor.Should().Equal("7B", "8A");
        only7A.Message.Should().EndWith("(0 started, 3 ended); 2 of the school's classes have no mentor: 7B, 8A.");
        (await roster.Mentors.WithoutMentorAsync(School, Night.AddDays(7))).Should().Equal("7B", "8A");
        (await roster.Mentors.WithoutMentorAsync(School, Night)).Should().BeEmpty("the week before, the first roster was in force");
    }

    [Theory]
    [InlineData("mentorer_unknown_class.csv", "1 row is wrong:", "line 5, column 'Klass', value '9Z': no such class in the school's exports this school year.",
        "The school's classes in its exports this school year: 7A, 7B, 8A.")]
    [InlineData("mentorer_bad_address.csv", "1 row is wrong:", "line 3, column 'E-post', value 'per.strom(at)angsskolan.example.se': not an e-mail address; " +
        "expected one address such as anna.svensson@skola.example.se.")]
    [InlineData("mentorer_missing_column.csv", "line 1: missing column 'E-post'; a roster's first line is the header Klass;Mentor;E-post (separated by ';'). " +
        "The header has: 'Klass', 'Mentor'.")]
    [InlineData("mentorer_empty.csv", "the file is empty; a roster's first line is the header Klass;Mentor;E-post, then one row per mentor and class.")]
    [InlineData("mentorer_header_only.csv", "the file has its header but no mentors")]
    [InlineData("mentorer_windows1252.csv", "line 2, byte ", "not valid UTF-8, the encoding of profile 'days-default'; it looks like Windows-1252: " +
        "save the roster as UTF-8, the encoding of the school's exports (its export profile).")]
    [InlineData("mentorer_personnummer_in_mentor_column.csv", "1 row is wrong:", "line 3, column 'Mentor', value '19800412-****': it holds what reads as a " +
        "personnummer; a roster names classes and mentors and never holds a personnummer: remove it.")]
    [InlineData("mentorer_one_address_two_names.csv", "1 row is wrong:", "line 3, column 'Mentor', value 'Åsa Berg': the address asa.oberg@angsskolan.example.se " +
        "has the name 'Åsa Öberg' on line 2; one address is one mentor")]
    public async Task A_hostile_roster_is_rejected_with_its_line_and_the_roster_in_force_stays(string file, params string[] expected)
    {
        using var roster = await RosterHarness.StartAsync(db, temp);
        (await roster.ImportAsync("mentorer_good.csv")).Status.Should().Be(RosterImportStatus.Imported);
        var before = await roster.StoredAsync();

        var result = await roster.ImportAsync(file, Night.AddDays(7));

        result.Status.Should().Be(RosterImportStatus.Rejected);
        result.Message.Should().StartWith($"{file}: rejected, nothing changed (the roster in force stays): ");
        foreach (var part in expected)
        {
            result.Message.Should().Contain(part);
        }

        (await roster.StoredAsync()).Should().Equal(before, "a rejected roster changes nothing");
        (await roster.Mentors.OfClassAsync(School, "7B", Night.AddDays(7))).Should().Equal(new Mentor("Per Ström", "per.strom@angsskolan.example.se"));
        (await roster.Import.ScalarAsync<string>("select message from roster_import where status = 'Rejected'")).Should().Be(result.Message);
    }

    [Fact]
    public async Task A_personnummer_in_a_roster_is_stored_nowhere()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);

        var result = await roster.ImportAsync("mentorer_personnummer_in_mentor_column.csv");

        result.Status.Should().Be(RosterImportStatus.Rejected);
        result.Message.Should().NotContain("3215");
        (await roster.Import.CountAsync("select count(*) from roster_import where message like '%3215%' or file_name like '%3215%'")).Should().Be(0);
        (await roster.Import.CountAsync("select count(*) from class_mentor")).Should().Be(0);
    }

    [Fact]
    public async Task Who_was_mentor_on_each_night_is_kept_across_two_rosters()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);
        var nextWeek = Night.AddDays(7);

        await roster.ImportAsync("mentorer_good.csv");
        var second = await roster.ImportAsync("mentorer_next_term.csv", nextWeek);

        second.Message.Should().Contain("3 mentors of 3 classes (1 started, 1 ended)");
        (await roster.Mentors.OfClassAsync(School, "7B", Night)).Should().Equal(new Mentor("Per Ström", "per.strom@angsskolan.example.se"));
        (await roster.Mentors.OfClassAsync(School, "7B", nextWeek.AddDays(-1))).Should().Equal(new Mentor("Per Ström", "per.strom@angsskolan.example.se"));
        (await roster.Mentors.OfClassAsync(School, "7B", nextWeek)).Should().Equal(new Mentor("Sara Lind", "sara.lind@angsskolan.example.se"));
        (await roster.Mentors.OfClassAsync(School, "7A", nextWeek)).Should().Equal(new Mentor("Åsa Öberg", "asa.oberg@angsskolan.example.se"));
        (await roster.StoredAsync()).Should().Equal(
            "7A Åsa Öberg asa.oberg@angsskolan.example.se 2026-09-14..",
            "7B Per Ström per.strom@angsskolan.example.se 2026-09-14..2026-09-21",
            "8A Karin Ek karin.ek@angsskolan.example.se 2026-09-14..",
            "7B Sara Lind sara.lind@angsskolan.example.se 2026-09-21..");
    }

    [Fact]
    public async Task The_roster_in_force_met_again_changes_nothing_and_is_not_recorded_again()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);
        var first = await roster.ImportAsync("mentorer_good.csv");

        var again = await roster.ImportAsync("mentorer_good.csv", Night.AddDays(1));

        again.Status.Should().Be(RosterImportStatus.Unchanged);
        again.Message.Should().Be($"mentorer_good.csv: the roster in force (import #{first.RosterImportId}, from 2026-09-14); nothing changed.");
        (await roster.Import.CountAsync("select count(*) from roster_import")).Should().Be(1);
    }

    [Fact]
    public async Task A_roster_replaced_on_its_own_night_is_kept_as_never_in_force()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);

        await roster.ImportAsync("mentorer_good.csv");
        await roster.ImportAsync("mentorer_next_term.csv");

        (await roster.StoredAsync()).Should().Contain("7B Per Ström per.strom@angsskolan.example.se 2026-09-14..2026-09-14");
        (await roster.Mentors.OfClassAsync(School, "7B", Night)).Should().Equal(new Mentor("Sara Lind", "sara.lind@angsskolan.example.se"));
    }

    [Fact]
    public async Task A_symbolic_link_out_of_the_inbox_is_not_read()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);
        var link = temp.File("inbox", "mentorer.csv");
        File.CreateSymbolicLink(link, RosterHarness.Data("mentorer_good.csv"));

        var result = await roster.Import.Get<RosterImporter>().ImportAsync(roster.Import.School, link, Night);

        result.Status.Should().Be(RosterImportStatus.Rejected);
        result.Message.Should().Be("mentorer.csv: rejected, nothing read: it is a symbolic link to a file outside the inbox; only files inside the inbox " +
            "are read. Copy the export itself into the inbox.");
    }

    [Fact]
    public async Task A_roster_over_the_size_cap_is_not_read_and_the_roster_in_force_stays()
    {
        using var roster = await RosterHarness.StartAsync(db, temp, new Dictionary<string, string?> { ["Skolnarvaro:MaxFileBytes"] = "1700" });
        (await roster.ImportAsync("mentorer_good.csv")).Status.Should().Be(RosterImportStatus.Imported);

        var result = await roster.ImportAsync("mentorer_over_size_cap.csv", Night.AddDays(7));

        result.Status.Should().Be(RosterImportStatus.Rejected);
        result.Message.Should().StartWith("mentorer_over_size_cap.csv: rejected, nothing read: 2,302 bytes is more than the 1,700 ");
        (await roster.Mentors.OfClassAsync(School, "7B", Night.AddDays(7))).Should().Equal(new Mentor("Per Ström", "per.strom@angsskolan.example.se"));
    }

    [Fact]
    public async Task The_inbox_s_newest_roster_counts_and_the_export_import_leaves_rosters_alone()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);
        roster.InInbox("mentorer_good.csv", "mentorer_2026-08-17.csv");
        roster.InInbox("mentorer_next_term.csv", "mentorer_2026-09-14.csv");

        var exports = await roster.Import.Get<InboxImporter>().ImportInboxAsync(roster.Import.School);
        var result = await roster.Import.Get<RosterImporter>().ImportInboxAsync(roster.Import.School, Night);

        exports.Should().BeEmpty("the inbox holds no export, only rosters");
        result!.File.Should().Be("mentorer_2026-09-14.csv");
        (await roster.Mentors.OfClassAsync(School, "7B", Night)).Should().Equal(new Mentor("Sara Lind", "sara.lind@angsskolan.example.se"));
    }
}
