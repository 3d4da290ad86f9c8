namespace Skolnarvaro.Web;

/// <summary>
/// The data-quality caveats of a school's figures, in Swedish, as the digest words them. The Worker provides them (they come
/// from the import's data quality); without one the pages show none.
/// </summary>
public interface ISchoolCaveats
{
    Task<IReadOnlyList<string>> ForSchoolAsync(string school, CancellationToken ct);
}
