using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Roster;

/// <summary>The classes one address mentors on a night, as a mentor's page asks on every request.</summary>
public sealed class MentorClassesTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("mentor-classes");
    private const string School = ImportHarness.Skolenhetskod;
    private static readonly DateOnly Night = RosterHarness.Night;

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_mentor_has_the_classes_the_roster_in_force_gives_them_that_night_and_none_once_replaced()
    {
        using var roster = await RosterHarness.StartAsync(db, temp);
        await roster.ImportAsync("mentorer_several_per_class_and_classes_per_mentor.csv");
        await roster.ImportAsync("mentorer_only_7a.csv", Night.AddDays(7));

        (await roster.Mentors.OfMentorAsync(School, " Asa.Oberg@angsskolan.example.se", Night))
            .Should().BeEquivalentTo(new MentorClasses("Åsa Öberg", "asa.oberg@angsskolan.example.se", ["7A", "7B", "8A"]), o => o.WithStrictOrdering());
        (await roster.Mentors.OfMentorAsync(School, "asa.oberg@angsskolan.example.se", Night.AddDays(6)))!.Classes.Should().Equal("7A", "7B", "8A");
        (await roster.Mentors.OfMentorAsync(School, "asa.oberg@angsskolan.example.se", Night.AddDays(7))).Should().BeNull("the next roster leaves her out");
        (await roster.Mentors.OfMentorAsync(School, "jonas.ali@angsskolan.example.se", Night.AddDays(30)))!.Classes.Should().Equal("7A");
        (await roster.Mentors.OfMentorAsync(School, "asa.oberg@angsskolan.example.se", Night.AddDays(-1))).Should().BeNull("before any roster");
        (await roster.Mentors.OfMentorAsync("99999999", "jonas.ali@angsskolan.example.se", Night)).Should().BeNull("another school's roster");
    }
}
