namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// The production lane's worker processes run one class at a time, beside the other worker tests: most of their time
/// is spent waiting for the fake clock to reach a night's 02:00, and two lane workers started together would each
/// slow the other's start towards that minute.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProductionLaneCollection
{
    public const string Name = "production lane";
}
