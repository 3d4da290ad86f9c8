using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>A school's pupils assessed from the facts in PostgreSQL: schools, moves between them, overrides and subjects.</summary>
public sealed class ThresholdAnalysisTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string A = "11111111";
    private const string B = "22222222";
    private static readonly DateOnly Start = new(2026, 9, 7);
    private static readonly IReadOnlyList<DateOnly> Term = TestExports.SchoolDays(Start, 40);

    private FactHistory History => new(db.DataSource);

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await History.SchoolAsync(A);
        await History.SchoolAsync(B, "Independent");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ThresholdAnalysis Analysis(ThresholdOptions? options = null) =>
        new(new AttendanceFactStore(db.DataSource), new SubjectFactStore(db.DataSource), Options.Create(options ?? new ThresholdOptions()));

    [Fact]
    public async Task A_pupil_who_changes_school_mid_term_is_judged_at_each_school_on_that_schools_days_only()
    {
        var mover = FactHistory.Pupil(1);
        var stayer = FactHistory.Pupil(2);
        // Absent 40 % at A for five weeks, then at B from day 25, present there.
        await History.DaysAsync(A, mover, FactHistory.Days(Term[0], 25, i => i % 5 < 2 ? 300 : 0));
        await History.DaysAsync(B, mover, FactHistory.Days(Term[25], 15, _ => 0));
        await History.DaysAsync(A, stayer, FactHistory.Days(Term[0], 40, i => i % 5 < 2 ? 300 : 0));

        var atA = await Analysis().AssessSchoolAsync(A, Term[39]);
        var atB = await Analysis().AssessSchoolAsync(B, Term[39]);
        var atBEarly = await Analysis().AssessSchoolAsync(B, Term[27]);
        var atAEarly = await Analysis().AssessSchoolAsync(A, Term[27]);

        atA.Flagged.Select(a => a.Figures.PupilKey).Should().BeEquivalentTo([stayer], "the mover has left A: no flag there on their last weeks at A");
        atA.OnRoll.Should().NotContain(mover);
        atAEarly.OnRoll.Should().NotContain(mover, "they turned up at B after their last day at A");
        atB.Flagged.Should().BeEmpty("at B the pupil has been present every day");
        atB.OnRoll.Should().Contain(mover);
        atBEarly.Flagged.Should().BeEmpty("three days at B are fewer than the minimum before any flag");
    }

    [Fact]
    public async Task After_a_move_the_new_school_sees_only_its_own_days_in_the_figures()
    {
        var mover = FactHistory.Pupil(1);
        await History.DaysAsync(A, mover, FactHistory.Days(Term[0], 20, _ => 0));
        await History.DaysAsync(B, mover, FactHistory.Days(Term[20], 20, i => i >= 15 ? 300 : 0));

        var atB = await Analysis().AssessSchoolAsync(B, Term[39]);

        var flagged = atB.Flagged.Should().ContainSingle().Subject;
        flagged.Level.Should().Be(Level.High);
        flagged.Figures.ScheduledDays.Should().Be(20);
        flagged.Figures.Term.From.Should().Be(Term[20]);
        flagged.Descriptions[0].Should().Be("Frånvarande hela dagen 5 skoldagar i följd från 26 oktober och är fortfarande frånvarande.");
    }

    [Fact]
    public async Task A_pupil_missing_from_the_schools_exports_for_two_weeks_has_left_its_roll()
    {
        var gone = FactHistory.Pupil(1);
        var here = FactHistory.Pupil(2);
        await History.DaysAsync(A, gone, FactHistory.Days(Term[0], 20, _ => 300));
        await History.DaysAsync(A, here, FactHistory.Days(Term[0], 40, _ => 0));

        (await Analysis().AssessSchoolAsync(A, Term[28])).Flagged.Should().ContainSingle("eight days without them is not yet two weeks");
        (await Analysis().AssessSchoolAsync(A, Term[39])).Flagged.Should().BeEmpty();
    }

    [Fact]
    public async Task A_stale_export_keeps_every_pupil_on_the_roll()
    {
        var pupil = FactHistory.Pupil(1);
        await History.DaysAsync(A, pupil, FactHistory.Days(Term[0], 20, _ => 300));

        var assessment = await Analysis().AssessSchoolAsync(A, Term[39]);

        assessment.Flagged.Should().ContainSingle("the school's last export is the pupil's last day too: the data is old, the pupil has not left");
    }

    [Fact]
    public async Task The_driftsform_and_school_overrides_apply_to_the_schools_they_name()
    {
        var options = new ThresholdOptions
        {
            Driftsform = { ["Independent"] = new ThresholdOverride { AtRisk = new LevelRules { AbsenceShare = 0.15 } } },
        };
        // The same 12 % at both schools.
        await History.DaysAsync(A, FactHistory.Pupil(1), FactHistory.Days(Term[0], 25, i => i % 25 < 3 ? 300 : 0));
        await History.DaysAsync(B, FactHistory.Pupil(2), FactHistory.Days(Term[0], 25, i => i % 25 < 3 ? 300 : 0));

        (await Analysis(options).AssessSchoolAsync(A, Term[24])).Flagged.Should().ContainSingle();
        (await Analysis(options).AssessSchoolAsync(B, Term[24])).Flagged.Should().BeEmpty();
        (await Analysis(options).AssessSchoolAsync(B, Term[24])).Thresholds.AtRisk.AbsenceShare.Should().Be(0.15);

        options.Schools[B] = new ThresholdOverride { AtRisk = new LevelRules { AbsenceShare = 0.12 } };
        (await Analysis(options).AssessSchoolAsync(B, Term[24])).Flagged.Should().ContainSingle();
    }

    [Fact]
    public async Task The_one_subject_pattern_comes_from_lesson_level_facts_when_the_school_has_them()
    {
        var pupil = FactHistory.Pupil(1);
        var withoutLessons = FactHistory.Pupil(2);
        // One lesson (60 of 300 minutes) missed on 12 of 20 days: 12 %. All of them mathematics.
        var days = FactHistory.Days(Term[0], 20, i => i % 5 < 3 && i < 20 ? 60 : 0);
        await History.DaysAsync(A, pupil, days);
        await History.DaysAsync(A, withoutLessons, days);
        await History.SubjectAsync(A, pupil, "Matematik", days.Select(d => (d.Date, 1, d.Unexcused > 0 ? 1 : 0)));
        await History.SubjectAsync(A, pupil, "Svenska", days.Select(d => (d.Date, 2, 0)));
        await History.SubjectAsync(A, pupil, "Engelska", days.Select(d => (d.Date, 2, 0)));

        var assessment = await Analysis().AssessSchoolAsync(A, Term[19]);

        var withSubjects = assessment.Flagged.Single(a => a.Figures.PupilKey.SequenceEqual(pupil));
        withSubjects.Patterns.OneSubject.Should().Be(new SubjectFigures("Matematik", 20, 12));
        withSubjects.Descriptions.Should().Contain("Frånvarande vid 12 av de 20 lektionerna i matematik de senaste 20 skoldagarna.");
        var without = assessment.Flagged.Single(a => a.Figures.PupilKey.SequenceEqual(withoutLessons));
        without.Patterns.OneSubject.Should().BeNull("a pupil with no lesson-level facts simply has no subject pattern");
        without.Descriptions.Should().NotBeEmpty();
    }

    [Fact]
    public async Task A_school_without_any_lesson_level_facts_is_assessed_as_before()
    {
        await History.DaysAsync(A, FactHistory.Pupil(1), FactHistory.Days(Term[0], 20, i => i < 4 ? 300 : 0));

        var assessment = await Analysis().AssessSchoolAsync(A, Term[19]);

        assessment.Flagged.Should().ContainSingle().Which.Patterns.OneSubject.Should().BeNull();
    }

    [Fact]
    public async Task Every_pupil_is_assessed_one_at_a_time_and_only_the_flagged_are_kept()
    {
        for (var n = 0; n < 200; n++)
        {
            await History.DaysAsync(A, FactHistory.Pupil(n), FactHistory.Days(Term[0], 40, i => n % 10 == 0 && i % 5 == 0 ? 300 : 0));
        }

        var assessment = await Analysis().AssessSchoolAsync(A, Term[39]);

        assessment.PupilsAssessed.Should().Be(200);
        assessment.OnRoll.Should().HaveCount(200);
        assessment.Flagged.Should().HaveCount(20).And.OnlyContain(a => a.Level == Level.High && a.Descriptions.Count > 0);
    }
}
