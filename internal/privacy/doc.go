// Package privacy masks personal data in free text before it leaves the
// unit that handles a piece of feedback.
//
// Feedback text may contain health information together with Finnish
// personal identity codes (henkilötunnus), phone numbers and e-mail
// addresses. [Mask] returns a masked copy in which each such item is
// replaced by a fixed marker, plus the byte offsets of what was replaced.
// Everything outside the handling unit (reports, exports, the Open311 API,
// search indexes, logs) must use Result.Text, never the original.
//
// # Markers
//
// The markers are short upper-case code words in square brackets, exported
// as constants so that templates can explain them in the reader's language
// ("[HETU] = henkilötunnus poistettu" / "personbeteckning borttagen" /
// "identity code removed"):
//
//	[HETU]   MarkerIdentityCode  a Finnish personal identity code
//	[PUH]    MarkerPhone         a phone number
//	[EMAIL]  MarkerEmail         an e-mail address
//
// Markers contain no digits and no "@", and each detection step runs on
// the text already masked by the earlier steps, so masked text never
// matches again: Mask is idempotent (Mask(Mask(t).Text).Text ==
// Mask(t).Text). All text outside the replaced spans is kept byte for byte.
// Mask uses no regular expressions and runs in time linear in the length
// of the text.
//
// # What is recognised
//
// Identity codes: DDMMYYCNNNQ where C is a century sign (+ for the 1800s;
// - Y X W V U for the 1900s; A B C D E F for the 2000s), NNN is 002–999
// (900–999 are temporary codes and are masked too) and Q is the check
// character. The date is validated against the century (leap years
// included) and the check character must match; a code with a wrong check
// character or an impossible date is not an identity code and is left as
// it is. Because people type them by hand, Mask accepts lower-case century
// letters and check characters, and Unicode dashes (‐ ‑ ‒ – — −, as word
// processors produce) in place of "-". [ValidIdentityCode] is strict: it
// accepts only the official form (upper case, ASCII "-"). Codes are found
// anywhere, also glued to other text ("hetu131052-308T").
//
// Phone numbers: a run of digit groups separated by single spaces
// (including no-break and thin spaces) or hyphens/dashes, starting with
//
//   - a Finnish trunk prefix 0 followed by 1–9 (040 123 4567, 09 123 4567,
//     050-1234567, 045 1234567), optionally with the area code in
//     parentheses ((09) 1234 567): 8–11 digits in all, that is 7–10
//     digits after the 0;
//   - an international prefix + or 00 followed by a country code
//     (+358 40 123 4567, +358401234567, 00358 40 1234567, +46 70 123 45 67,
//     +358 (0)40 123 4567): 8–15 digits after the prefix (E.164).
//
// The longest prefix of whole groups that has an allowed length and does
// not end in a one-digit group is masked: "040 1234567 2024" masks the
// phone and keeps the year, "040 123 4567 2 kertaa" keeps the 2. A run that starts in the middle of a longer digit
// string is not a phone. Two shapes are not phones even though they start
// with 0: a day-month-year date (03-12-2024) and a number grouped in
// thousands after another number group (2 050 000 000 euros).
//
// Ordinary numbers stay: dates (12.3.2024, 2024-03-12), times (klo 14.30),
// prices (120,50 €, 1 200 euroa), room and floor numbers, postal codes
// (87100 Kajaani, 00100 Helsinki), years, percentages, blood pressure
// (140/90), sums and order numbers that do not start with 0 or +.
//
// E-mail addresses: a local part of letters (including å ä ö and other
// Unicode letters), digits and . _ % + - ; an "@" or the common Finnish
// obfuscations "(at)" and "[at]"; a domain of at least two labels whose
// last label starts with at least two letters. A sentence-ending full stop
// is not part of the address.
//
// # Order and overlaps
//
// Identity codes are found first, then e-mail addresses, then phones, each
// on the text already masked by the earlier steps. So an identity code is
// never reported as a phone, and a phone number used as the local part of
// an e-mail address is reported as an e-mail address.
//
// # Known limitations
//
// Masking is a safety net, not a guarantee. Not recognised: phone numbers
// written with dots or slashes (040.123.4567, 040/1234567), spelled out or
// split by words, or with more than one separator between groups
// (040 - 123 4567); domestic numbers shorter than 8 digits (service numbers
// such as 0100 100); addresses written as "matti at example dot fi" or with
// spaces around "(at)"; identity codes split by spaces. Any number of 8–11
// digits that starts with 0 at a group boundary is treated as a phone
// number, and any + followed by 8–15 grouped digits too. Names, street
// addresses and health information are not masked: that needs people (or a
// later, language-aware step).
package privacy
