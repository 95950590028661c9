"""The four roles. Each is a Django group; membership decides what a user may do."""

SCRUTINY_OFFICER = "Scrutiny officers"
LEAD_OFFICER = "Lead officers"
COUNCILLOR = "Councillors"
ADMINISTRATOR = "Administrators"

ALL_ROLES = [SCRUTINY_OFFICER, LEAD_OFFICER, COUNCILLOR, ADMINISTRATOR]
