using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Analysis.Tests;
using Skolnarvaro.Analysis.Tests.Trend;

namespace Skolnarvaro.Insights.Tests.Trend;

/// <summary>
/// Training on a seeded term: the same seed gives the same model, the gate keeps a better active model, and a pupil
/// whose absence starts rising is flagged Trend before the rules flag them at all.
/// </summary>
public sealed class TrendTrainingTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly IReadOnlyList<DateOnly> Term = TrendHistory.Term;

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await TrendHistory.WriteAsync(new FactHistory(db.DataSource));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Training_twice_with_the_same_seed_gives_a_model_that_scores_the_same()
    {
        var samples = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3, TrendLabel.Crossing));
        var settings = TrendHistory.Options().Trainer;
        var vectors = samples.Select(s => s.Features).ToList();

        var first = TrendModel.Train(samples, settings, seed: 42).Score(vectors);
        var again = TrendModel.Train(samples, settings, seed: 42);
        var reloaded = TrendModel.Load(again.ToBytes(), again.Baselines, again.Calibration).Score(vectors);

        again.Score(vectors).Should().Equal(first);
        reloaded.Should().Equal(first, "a model read back from its bytes scores as it did before saving");
        first.Distinct().Should().HaveCountGreaterThan(20, "the model ranks pupils, it is not a constant");
        var auc = TrendEvaluation.Auc(Enumerable.Range(0, samples.Count).ToList(), samples, i => first[i]);
        auc.Should().BeGreaterThan(0.8, "on its own training data the model separates the risers");
    }

    [Fact]
    public async Task Training_twice_with_the_same_seed_writes_the_same_bytes_even_a_second_later()
    {
        var samples = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3, TrendLabel.Crossing));
        var settings = TrendHistory.Options().Trainer;

        var first = TrendModel.Train(samples, settings, seed: 7).ToBytes();
        await Task.Delay(TimeSpan.FromSeconds(2.1)); // a zip stamps entries to the even second
        var again = TrendModel.Train(samples, settings, seed: 7).ToBytes();

        again.Should().Equal(first, "the shipped sample model is checked by training it again from the same facts and seed");
    }

    [Fact]
    public async Task Too_short_a_history_is_refused_with_what_is_missing()
    {
        var train = () => TrendDesk.Trainer(db, TrendHistory.Options()).TrainAndMaybeActivateAsync(new TrendTrainingRequest(Term[0], Term[30], 1));

        var refused = await train.Should().ThrowAsync<TrendTrainingException>();
        refused.Which.Message.Should().StartWith("one term of data (HT2026: 31 school days from 2026-08-17 to 2026-09-28)")
            .And.Contain("training needs at least about 45 school days").And.Contain("each day's label looks 15 school days ahead");
        (await TrendHistory.Store(db).ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Another_seed_trains_another_model()
    {
        var samples = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3));
        var settings = TrendHistory.Options().Trainer;
        var vectors = samples.Select(s => s.Features).ToList();

        var one = TrendModel.Train(samples, settings, seed: 1).Score(vectors);
        var two = TrendModel.Train(samples, settings, seed: 2).Score(vectors);

        one.Should().NotEqual(two, "the seed draws each tree's features and examples");
    }

    [Fact]
    public async Task With_label_lead_days_the_days_just_before_lasting_absence_begins_are_positive_and_lasting_itself_is_unchanged()
    {
        var plain = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3));
        var early = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3, LeadDays: 10));

        early.Select(s => s.Lasting).Should().Equal(plain.Select(s => s.Lasting), "the evaluation's truth does not move");
        plain.Should().OnlyContain(s => s.Label == s.Lasting);
        early.Should().OnlyContain(s => !s.Lasting || s.Label, "every lasting day stays positive");
        var before = early.Where(s => s.Label && !s.Lasting).ToList();
        before.Should().NotBeEmpty();
        foreach (var s in before)
        {
            var next = early.Where(o => o.Skolenhetskod == s.Skolenhetskod && o.PupilKey.SequenceEqual(s.PupilKey) && o.Day > s.Day && o.Lasting)
                .Min(o => (int?)o.Day);
            next.Should().NotBeNull().And.BeLessThanOrEqualTo(s.Day + 10, "positive only within ten school days before lasting absence");
        }
    }

    [Fact]
    public async Task The_onset_label_marks_the_days_before_lasting_absence_begins_and_not_the_days_inside_it()
    {
        var plain = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3));
        var onset = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3, TrendLabel.Onset, LeadDays: 10));

        onset.Select(s => s.Lasting).Should().Equal(plain.Select(s => s.Lasting), "the evaluation's truth does not move");
        var checkedDays = 0;
        foreach (var pupil in onset.GroupBy(s => (s.Skolenhetskod, Convert.ToHexString(s.PupilKey))))
        {
            var days = pupil.OrderBy(s => s.Day).ToList();
            // Begins: lasting after ten sampled days that were not, as AlertBudgetEvaluation counts an onset.
            var begins = Enumerable.Range(10, Math.Max(0, days.Count - 10))
                .Where(k => days[k].Lasting && days.Skip(k - 10).Take(10).All(d => !d.Lasting)).Select(k => days[k].Day).ToList();
            foreach (var s in days)
            {
                s.Label.Should().Be(begins.Any(b => b >= s.Day && b - s.Day <= 10), $"day {s.Day}: lasting absence begins on {string.Join(", ", begins)}");
                checkedDays++;
            }
        }

        checkedDays.Should().Be(plain.Count);
        onset.Should().Contain(s => s.Label && !s.Lasting, "the days before it begins are positive");
        onset.Should().Contain(s => s.Lasting && !s.Label, "inside lasting absence that has begun there is nothing left to foresee");
    }

    [Fact]
    public async Task Calibrated_on_held_out_samples_a_probability_means_about_that_share()
    {
        var samples = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), new TrendLabelling(3));
        var split = TrendTrainer.Split(samples, 0.5, 0.5, 3);
        var model = TrendModel.Train(split.Train, TrendHistory.Options().Trainer, seed: 1);
        var raw = model.ScoreUncalibrated(split.HeldOut.Select(s => s.Features).ToList());

        var calibrated = model.WithCalibration(Platt.Fit(raw, split.HeldOut.Select(s => s.Label).ToList()))
            .Score(split.HeldOut.Select(s => s.Features).ToList());

        var observed = split.HeldOut.Count(s => s.Label) / (double)split.HeldOut.Count;
        calibrated.Average(p => (double)p).Should().BeApproximately(observed, 0.02, "Platt scaling matches the mean on the data it was fitted on");
        var idx = Enumerable.Range(0, split.HeldOut.Count).ToList();
        TrendEvaluation.Auc(idx, split.HeldOut, i => calibrated[i]).Should().BeApproximately(
            TrendEvaluation.Auc(idx, split.HeldOut, i => raw[i])!.Value, 1e-9, "calibration changes the scale, not the order");
    }

    [Fact]
    public async Task The_rules_pass_gives_every_pupil_on_the_roll_the_models_probability_for_the_digests_concern_order()
    {
        var options = TrendHistory.Options(trees: 60);
        await TrendDesk.Trainer(db, options).TrainAndMaybeActivateAsync(new TrendTrainingRequest(Term[0], Term[^1], 3));
        var date = Term[30];
        var scoring = TrendHistory.Scoring(db, options);

        var (assessment, trend) = await scoring.AssessAndScoreSchoolAsync(TrendHistory.School, date);
        var separate = await TrendHistory.Analysis(db).AssessSchoolAsync(TrendHistory.School, date);
        var candidates = await scoring.CandidatesAsync(TrendHistory.School, date, separate);

        assessment.Flagged.Select(a => (a.Figures.PupilKey, a.Level)).Should().BeEquivalentTo(separate.Flagged.Select(a => (a.Figures.PupilKey, a.Level)),
            "reading the facts for the features too changes nothing in the rules' levels");
        trend.Concerns.Keys.Should().Contain(assessment.Flagged.Select(a => a.Figures.PupilKey), "rule flags are ranked as well");
        var model = await TrendHistory.Store(db).LoadAsync((await TrendHistory.Store(db).ActiveAsync())!);
        var expected = model.Score(candidates.Select(c => c.Features.ToVector()).ToList());
        for (var i = 0; i < candidates.Count; i++)
        {
            trend.Concerns[candidates[i].Figures.PupilKey].Probability.Should().Be(expected[i], "the same features, from the same pass");
        }

        var ordered = trend.Concerns.Values.Order(PupilConcern.Order).Select(c => c.FinishedIllnessSpell ? -1 : c.Probability!.Value).ToList();
        ordered.Should().BeInDescendingOrder("finished illness spells last, then the highest probability first");
    }

    [Fact]
    public async Task The_gate_keeps_the_active_model_when_a_new_one_is_worse_on_the_same_held_out_samples()
    {
        var store = TrendHistory.Store(db);
        var good = await TrendDesk.Trainer(db, TrendHistory.Options(trees: 60)).TrainAndMaybeActivateAsync(new TrendTrainingRequest(Term[0], Term[^1], 1));
        var worse = await TrendDesk.Trainer(db, Weak(TrendHistory.Options(trees: 1)))
            .TrainAndMaybeActivateAsync(new TrendTrainingRequest(Term[0], Term[^1], 1));
        var same = await TrendDesk.Trainer(db, TrendHistory.Options(trees: 60)).TrainAndMaybeActivateAsync(new TrendTrainingRequest(Term[0], Term[^1], 1));

        good.Activated.Should().BeTrue();
        worse.PreviousVersion.Should().Be(good.Version);
        worse.HeldOutAuc.Should().BeLessThan(worse.PreviousAuc!.Value, "a single stump is a worse model (the test's premise)");
        worse.Activated.Should().BeFalse();
        worse.Decision.Should().StartWith("Not activated");
        same.PreviousVersion.Should().Be(good.Version, "the refused model never became the active one");
        same.PreviousAuc.Should().Be(good.HeldOutAuc, "the active model is judged on the same held-out samples");
        same.Activated.Should().BeFalse("an equal model is no improvement: the gate wants the margin");
        same.Decision.Should().Contain("by the margin");
        (await store.ActiveAsync())!.Version.Should().Be(good.Version);
        (await store.ListAsync()).Select(m => (m.Version, m.Active)).Should().Equal((good.Version, true), (worse.Version, false), (same.Version, false));
    }

    [Fact]
    public async Task The_trend_cut_off_is_measured_on_the_held_out_pupils_whole_period_with_a_margin_and_stored_with_the_model()
    {
        var options = TrendHistory.Options(trees: 60);
        options.MaxAddedShare = 0.5;
        var samples = await TrendDesk.Dataset(db).BuildAsync(Term[0], Term[^1], new ThresholdOptions(), TrendLabelling.From(options));
        var split = TrendTrainer.Split(samples, options.HeldOutShare, options.HeldOutPupilShare, options.HorizonWeeks);
        split.HeldOutPupilsAllDays.Should().OnlyContain(s => TrendTrainer.HeldOutPupil(s.PupilKey, options.HeldOutPupilShare), "pupils the trees never see");
        split.HeldOutPupilsAllDays.Should().Contain(s => s.Date < split.HeldOutFrom, "their days before the held-out period count too: entries need no label");
        split.HeldOutPupilsAllDays.Should().Contain(split.HeldOut);

        var result = await TrendDesk.Trainer(db, options).TrainAndMaybeActivateAsync(new TrendTrainingRequest(Term[0], Term[^1], 1));
        var info = (await TrendHistory.Store(db).GetAsync(result.Version))!;

        info.TrendCutOff.Should().BeGreaterThanOrEqualTo(options.CutOff, "the stored cut-off is the one the nightly run uses, never below the floor");
        info.AddedShare.Should().BeLessThanOrEqualTo(options.MaxAddedShare);
        info.Decision.Should().Contain("upper bound").And.Contain("margin");
        info.MetricsJson.Should().Contain("upperAddedShare").And.Contain("margin");
    }

    [Fact]
    public void The_trend_cut_off_leaves_out_the_facts_first_term_where_no_pupil_has_a_previous_term()
    {
        // Two pupils, one held out (key ending 0x0000) and one not (0xFFFF), every school day from HT2025 into VT2026; the
        // facts begin in HT2025.
        var days = Skolnarvaro.TestSupport.TestExports.SchoolDays(new DateOnly(2025, 11, 3), 30)
            .Concat(Skolnarvaro.TestSupport.TestExports.SchoolDays(new DateOnly(2026, 1, 12), 30)).ToList();
        var samples = days.SelectMany((d, i) => new[] { (byte)0x00, (byte)0xFF }.Select(k =>
            new TrendSample("11111111", [1, k, k], d, new float[TrendFeatures.Count], null, null, null, i % 7 == 0, "F", "Municipal")
            {
                Day = i, HorizonEnd = d.AddDays(42),
            })).ToList();

        var split = TrendTrainer.Split(samples, heldOutShare: 0.25, pupilShare: 0.2, horizonWeeks: 6, factsFrom: new DateOnly(2025, 8, 18));
        split.HeldOutPupilsAllDays.Should().HaveCount(30).And.OnlyContain(s => s.PupilKey[2] == 0 && s.Date.Year == 2026,
            "only the held-out pupil, and only in VT2026: in HT2025 the model has no previous term to read");
        TrendTrainer.Split(samples, 0.25, 0.2, 6).HeldOutPupilsAllDays.Should().HaveCount(60, "without the facts' start, every day");
        TrendTrainer.Split(samples, 0.25, 0.2, 6, factsFrom: new DateOnly(2026, 1, 8)).HeldOutPupilsAllDays
            .Should().HaveCount(60, "when every sample is in the first term, none would be left: all are used");
    }

    [Fact]
    public async Task A_pupil_whose_absence_starts_rising_is_flagged_Trend_before_the_rules_flag_them()
    {
        // Room for Trend flags: on this small history the 10 % cap on added digest entries would leave almost none.
        var options = TrendHistory.Options(trees: 60);
        options.MaxAddedShare = 0.9;
        await TrendDesk.Trainer(db, options).TrainAndMaybeActivateAsync(new TrendTrainingRequest(Term[0], Term[^1], 3));
        // A new pupil, at another school so training never saw them: present every day until day 30, then absent a
        // little longer each day (12 minutes more a day).
        var history = new FactHistory(db.DataSource);
        const string school = "22222222";
        await history.SchoolAsync(school);
        var pupil = FactHistory.Pupil(9999);
        await history.DaysAsync(school, pupil, FactHistory.Days(Term[0], 50, i => i < 30 ? 0 : Math.Min(300, 12 * (i - 29))), "Stina");
        var analysis = TrendHistory.Analysis(db);
        var scoring = TrendHistory.Scoring(db, options);

        int? trendDay = null, ruleDay = null, highDay = null;
        for (var day = 25; day < 50 && highDay is null; day++)
        {
            var thresholds = await analysis.AssessSchoolAsync(school, Term[day]);
            var level = thresholds.Flagged.SingleOrDefault()?.Level;
            ruleDay ??= level is not null ? day : null;
            highDay ??= level == Level.High ? day : null;
            var trend = await scoring.ScoreSchoolAsync(school, Term[day], thresholds);
            trend.Model.Scoring.Should().BeTrue(trend.Model.Summary);
            if (trendDay is null && trend.Trend.Count == 1)
            {
                trendDay = day;
                var flag = trend.Trend[0];
                flag.Level.Should().Be(Level.Trend);
                flag.Descriptions.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(3);
                flag.Descriptions.Should().Contain(d => d.StartsWith("Frånvaron har ökat från", StringComparison.Ordinal) || d.StartsWith("Frånvarande", StringComparison.Ordinal));
                flag.TrendScore!.Probability.Should().BeGreaterThanOrEqualTo((float)options.CutOff);
            }
        }

        trendDay.Should().NotBeNull("the rise is visible to the model");
        ruleDay.Should().NotBeNull();
        highDay.Should().NotBeNull();
        trendDay.Should().BeLessThan(ruleDay!.Value, "Trend comes before riskfrånvaro");
        trendDay.Should().BeGreaterThan(29, "nothing to see while the pupil is present every day");
    }

    [Fact]
    public async Task Without_an_active_model_scoring_adds_nothing_and_says_thresholds_only()
    {
        var thresholds = await TrendHistory.Analysis(db).AssessSchoolAsync(TrendHistory.School, Term[40]);

        var result = await TrendHistory.Scoring(db, TrendHistory.Options()).ScoreSchoolAsync(TrendHistory.School, Term[40], thresholds);

        result.Trend.Should().BeEmpty();
        result.Model.Scoring.Should().BeFalse();
        result.Model.Summary.Should().Be("thresholds only: no active model");
        result.MergeInto(thresholds).Should().BeSameAs(thresholds);
    }

    [Fact]
    public async Task An_active_model_below_the_minimum_AUC_does_not_score()
    {
        var options = TrendHistory.Options();
        var trained = await TrendDesk.Trainer(db, options).TrainAndMaybeActivateAsync(new TrendTrainingRequest(Term[0], Term[^1], 1));
        options.MinimumAuc = Math.Min(0.99, trained.HeldOutAuc + 0.005);
        var thresholds = await TrendHistory.Analysis(db).AssessSchoolAsync(TrendHistory.School, Term[40]);

        var result = await TrendHistory.Scoring(db, options).ScoreSchoolAsync(TrendHistory.School, Term[40], thresholds);

        result.Trend.Should().BeEmpty();
        result.Model.Summary.Should().StartWith($"thresholds only: the active model v{trained.Version} has held-out AUC");
    }

    private static TrendOptions Weak(TrendOptions o)
    {
        o.Trainer.Leaves = 2;
        o.Trainer.LearningRate = 0.01;
        return o;
    }
}
