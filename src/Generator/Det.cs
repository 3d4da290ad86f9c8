namespace Skolnarvaro.Generator;

/// <summary>
/// Deterministic hashing used to derive independent random streams from the seed
/// (SplitMix64 finaliser). Nothing here depends on process state, time or hash-code randomisation.
/// </summary>
internal static class Det
{
    internal static class Salt
    {
        public const int Schools = 1;
        public const int Pupils = 2;
        public const int Profile = 3;
        public const int PupilDay = 4;
        public const int Movers = 5;
        public const int File = 6;
        public const int Timetable = 7;
        public const int WeekNoise = 8;
        public const int ClassLessonE = 9;
        public const int PupilLessonE = 10;
        public const int ClassDayE = 11;
        public const int FixE = 12;
        public const int FixExcused = 13;
        public const int Rektorer = 14;
        public const int HistoryProfile = 15;
        public const int HistoryDay = 16;
        public const int Drift = 17;
        public const int Cohort = 18;
        public const int HistoryMovers = 19;
        public const int Trips = 20;
        public const int Mentors = 21;
    }

    public static ulong Mix(ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }

    public static ulong Hash(int seed, int a, int b = 0, int c = 0, int d = 0, int e = 0)
    {
        unchecked
        {
            ulong h = Mix((ulong)(uint)seed);
            h = Mix(h ^ (ulong)(uint)a);
            h = Mix(h ^ ((ulong)(uint)b << 1));
            h = Mix(h ^ ((ulong)(uint)c << 2));
            h = Mix(h ^ ((ulong)(uint)d << 3));
            h = Mix(h ^ ((ulong)(uint)e << 4));
            return h;
        }
    }

    /// <summary>A uniform double in [0, 1) determined by the arguments.</summary>
    public static double Unit(int seed, int a, int b = 0, int c = 0, int d = 0, int e = 0) =>
        (Hash(seed, a, b, c, d, e) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A <see cref="Random"/> seeded from a hash of the arguments (a derived stream).</summary>
    public static Random Stream(int seed, int a, int b = 0, int c = 0, int d = 0) =>
        new((int)(Hash(seed, a, b, c, d) & 0x7FFF_FFFF));
}
