"""Identity numbers the demo may use, chosen so that they can never be a real one's.

Organisationsnummer. The first digit of an organisationsnummer is its group: the groups that
occur are 1 (dödsbon), 2 (stat, regioner, kommuner, församlingar), 3 (utländska företag),
5 (aktiebolag), 6 (enkla bolag), 7 (ekonomiska föreningar), 8 (ideella föreningar och
stiftelser) and 9 (handels- och kommanditbolag) (Skatteverket's brochure SKV 709
"Organisationsnummer", as quoted at blog.merinfo.se/vad-ar-ett-organisationsnummer/). Group 4
is not among them, so a number beginning with 4 belongs to no organisation. The demo's numbers
begin with 4 and still have the third digit ≥ 2 and the Luhn check digit, so they pass the
platform's validation like real ones.

Personnummer. Skatteverket publishes test personnummer as open data ("Testpersonnummer",
skatteverket.entryscape.net, catalogue 9, dataset 147; row store
b4de7df7-63c0-4e7e-bb59-1f156a591763) for testing systems: numbers that are not a real person's.
The numbers below were copied from ActiveLogin.Identity's generated copy of that dataset
(src/ActiveLogin.Identity.Swedish.TestData/AllPins.fs), because the dataset cannot be
downloaded where this was written; each is there as (year, month, day, birth number, check).
"""

from __future__ import annotations

# The group digit no organisation has (see above).
FICTIONAL_ORGNR_GROUP = "4"

# From Skatteverket's test personnummer (see above). Twelve digits, YYYYMMDDNNNC.
TEST_PERSONNUMMER = (
    "199003212389",
    "199004152394",
    "199007182380",
    "199009062390",
    "199503232390",
    "199506052399",
    "199510112395",
    "199601052393",
    "200106012396",
    "200203052394",
)


def is_fictional_orgnr(org_number: str) -> bool:
    """True for an organisationsnummer in the group no organisation has."""
    return org_number.startswith(FICTIONAL_ORGNR_GROUP)
