namespace Skolnarvaro.Generator.Dynamics;

/// <summary>Salts of this generator's random streams: far from <see cref="Det.Salt"/>'s so no stream is shared with the other generator.</summary>
internal static class DynamicsSalt
{
    public const int Calendar = 1001;
    public const int Schools = 1002;
    public const int Pupils = 1003;
    public const int Course = 1004;
    public const int Ordinary = 1005;
    public const int Trips = 1006;
    public const int Day = 1007;
    public const int Timetable = 1008;
    public const int Moves = 1009;
    public const int Cohort = 1010;
    public const int Outbreaks = 1011;
    public const int Rektorer = 1012;
}
