#!/usr/bin/env python3
"""Makes the hostile files of issue 13 from the sample's own exports. Run from this folder; the output is checked in."""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), *[".."] * 4)
LESSONS = os.path.join(ROOT, "sample-data", "inbox", "33726561", "lessons_2026-11-16.csv")
DAYS = os.path.join(ROOT, "sample-data", "inbox", "85835001", "days_2026-11-16.csv")
SUMMARY = os.path.join(ROOT, "sample-data", "inbox", "55309539", "summary_2026-11-20.csv")


def lines(path, n):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\r\n", b"\n")
    return data.split(b"\n")[: n + 1]


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


lessons = lines(LESSONS, 600)
days = lines(DAYS, 200)
summary = lines(SUMMARY, 30)

# The earlier exports the truncated ones are compared with.
write("lessons_week.csv", b"\n".join(lessons) + b"\n")
write("days_week.csv", b"\n".join(days) + b"\n")

# Finding 1: a transfer cut off at a line end (looks complete) and one cut in the middle of a record.
write("lessons_week_truncated_at_line_end.csv", b"\n".join(lessons[:300]) + b"\n")
write("days_week_truncated_at_line_end.csv", b"\n".join(days[:100]) + b"\n")
full = b"\n".join(lessons) + b"\n"
write("lessons_week_truncated_mid_record.csv", full[: len(b"\n".join(lessons[:300])) + 30])

# Finding 2: a stray quote opens an extra trailing field on line 12; it closes at a quoted name forty lines further down.
swallow = list(lessons)
swallow[11] = swallow[11] + b';"x'
cells = swallow[51].split(b";")
cells[1] = b'"' + cells[1] + b'"'
swallow[51] = b";".join(cells)
write("lessons_week_stray_quote_swallows_lines.csv", b"\n".join(swallow) + b"\n")

# Finding 3: a NUL byte in a name (on the pupil's first row), more than 255 subjects, hours that overflow int.
nul = list(lessons)
first_rows = [i for i in range(1, len(nul)) if nul[i].split(b";")[0] != nul[i - 1].split(b";")[0]]
cells = nul[first_rows[1]].split(b";")
cells[1] = cells[1][:2] + b"\x00" + cells[1][2:]
nul[first_rows[1]] = b";".join(cells)
write("lessons_week_nul_in_name.csv", b"\n".join(nul) + b"\n")

pupils = []
for row in lessons[1:]:
    pnr = row.split(b";")[0]
    if pnr not in [p[0] for p in pupils]:
        pupils.append(row.split(b";")[:4])
    if len(pupils) == 10:
        break
dates = [b"2026-11-16", b"2026-11-17", b"2026-11-18", b"2026-11-19", b"2026-11-20", b"2026-11-23"]
rows = [lessons[0]]
for p, pupil in enumerate(pupils):
    for k in range(26):
        start = 8 * 60 + (k % 5) * 70
        subject = f"Ämne {p * 26 + k + 1:03}".encode()
        rows.append(b";".join(pupil + [dates[k // 5], f"{start // 60:02}:{start % 60:02}".encode(), b"60", subject, b"N", b"0"]))
write("lessons_260_subjects.csv", b"\n".join(rows) + b"\n")

overflow = list(summary)
cells = overflow[5].split(b";")
cells[5] = b"99999999999,00"
overflow[5] = b";".join(cells)
write("summary_hours_overflow_int.csv", b"\n".join(overflow) + b"\n")

# Finding 4: implausible dates and minutes, each on a row of its own for pupils of the file.
def day_row(base, date, scheduled, excused=b"0", unexcused=b"0"):
    c = base.split(b";")
    return b";".join(c[:3] + [date, scheduled, excused, unexcused, b"0"])

bases = [days[i] for i in range(1, 200, 10)][:9]
implausible = days[:41] + [
    day_row(bases[0], b"1900-01-01", b"300"),
    day_row(bases[1], b"2099-01-01", b"300"),
    day_row(bases[2], b"2026-11-14", b"300"),          # a Saturday
    day_row(bases[3], b"2025-12-25", b"300"),          # Christmas Day
    day_row(bases[4], b"2026-07-15", b"300"),          # a summer Wednesday
    day_row(bases[5], b"2026-11-02", b"99999"),
    day_row(bases[6], b"2026-11-03", b"2147483647", b"2147483647"),
    day_row(bases[7], b"2026-11-04", b"300", b"200", b"200"),   # absence above scheduled
]
write("days_implausible_dates_and_minutes.csv", b"\n".join(implausible) + b"\n")

# Finding 5: Windows-1252 bytes under a UTF-8 profile, behind a plain ASCII header.
ascii_header = b"Personnummer;Namn;Klass;Datum;Schemalagd tid (min);Giltig franvaro (min);Ogiltig franvaro (min);Sen ankomst (min)"
text = (b"\n".join([ascii_header] + days[1:31]) + b"\n").decode("utf-8")
write("days_windows1252_bytes_under_utf8_profile.csv", text.encode("cp1252"))

# Finding 6: the same personnummer under another name.
renamed = list(days)
target = renamed[1].split(b";")[0]
for i in range(1, len(renamed)):
    c = renamed[i].split(b";")
    if c[0] == target:
        c[1] = b"Helt Annan"
        renamed[i] = b";".join(c)
write("days_week_same_personnummer_other_name.csv", b"\n".join(renamed) + b"\n")

# Line accounting: a row with more fields than the header, a line break inside a date.
extra = list(days[:41])
extra[10] = extra[10] + b";9;9"
c = extra[20].split(b";")
c[3] = b'"' + c[3][:8] + b"\n" + c[3][8:] + b'"'
extra[20] = b";".join(c)
write("days_extra_fields_and_line_break_in_a_date.csv", b"\n".join(extra) + b"\n\n\n")

# A stray row of another week: the next week's export with one row (line 79) dated in the week before, a typo of the day.
next_week = [days[0]] + [row.replace(b";2026-11-" + d, b";2026-11-" + b"%d" % (int(d) + 7)) for row in days[1:] if row
                         for d in [row.split(b";")[3][-2:]]]
next_week[78] = next_week[78].replace(b";2026-11-25;", b";2026-11-18;")
write("days_next_week_with_a_stray_row_of_the_week_before.csv", b"\n".join(next_week) + b"\n")
