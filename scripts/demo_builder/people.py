"""The demo's in-scope people: each is an Okta user, an Office 365 app user and an Entra
user that join up (same UPN, matching ids). A synthetic tenant grows this list."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass

from .facts import AD_IMPORT, AS_OF, M365_IMPORT
from .ids import at, guid, jitter, okta_id

CONTOSO_PEOPLE = (  # on-premises AD users (credentials.provider ACTIVE_DIRECTORY)
    ("Amelia", "Clarke"), ("Oliver", "Bennett"), ("Isla", "Murphy"), ("Noah", "Patel"),
    ("Ava", "Thompson"), ("Leo", "Hughes"), ("Mia", "Robinson"), ("Arthur", "Wright"),
    ("Grace", "Walker"), ("Oscar", "Evans"), ("Freya", "Hall"), ("Henry", "Green"),
    ("Sophie", "Turner"), ("Jack", "Cooper"), ("Chloe", "Ward"), ("Theo", "Morgan"),
    ("Ella", "Price"), ("Samuel", "Brooks"), ("Lily", "Foster"), ("Daniel", "Reid"),
)  # fmt: skip
FABRIKAM_PEOPLE = (  # Okta-mastered users (credentials.provider OKTA)
    ("Lucas", "Moreau"), ("Emma", "Laurent"), ("Hugo", "Bernard"), ("Lea", "Dubois"),
    ("Nathan", "Girard"), ("Chloe", "Fontaine"), ("Louis", "Mercier"), ("Manon", "Lefevre"),
    ("Jules", "Garnier"), ("Camille", "Rousseau"), ("Adam", "Faure"), ("Sarah", "Chevalier"),
)  # fmt: skip
NEW_HIRE = "sarah.chevalier@fabrikam.com"  # created, assigned and pushed inside the log window
NEW_HIRE_AT = AS_OF - dt.timedelta(days=5) + dt.timedelta(hours=2, minutes=14)
OKTA_ADMIN = "okta.admin@contoso.com"  # an Okta admin who is also an in-scope M365 user
#: An in-scope user without an M365 licence: on a federated domain, so imported, assigned and
#: signing in through Okta all the same (IMP scope: licensed or not; licence is evidence).
UNLICENSED = "theo.morgan@contoso.com"


@dataclass(frozen=True)
class Person:
    """An in-scope user: an Okta user, an Office 365 app user and an Entra user."""

    first: str
    last: str
    domain: str
    ad: bool  #: sourced from on-premises AD (else Okta-mastered)
    local: str = ""

    @property
    def upn(self) -> str:
        return f"{self.local or f'{self.first}.{self.last}'.lower()}@{self.domain}"

    @property
    def display_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def okta_id(self) -> str:
        return okta_id("00u", self.upn)

    @property
    def graph_id(self) -> str:
        return guid(f"entra user {self.upn}")

    @property
    def immutable_id(self) -> str:
        """AD users: base64 of the objectGUID bytes; Okta-mastered users: the Okta user id."""
        if self.ad:
            object_guid = uuid.UUID(guid(f"ad objectGUID {self.upn}"))
            return base64.b64encode(object_guid.bytes_le).decode()
        return self.okta_id

    @property
    def licensed(self) -> bool:
        return self.upn != UNLICENSED

    @property
    def is_new_hire(self) -> bool:
        return self.upn == NEW_HIRE

    @property
    def graph_created(self) -> dt.datetime:
        if self.is_new_hire:
            return NEW_HIRE_AT + dt.timedelta(seconds=7)
        if self.ad:
            start, span = at("2021-07-01T08:00:00"), 4 * 365 * 86400
        else:
            start, span = at("2024-09-02T08:00:00"), 500 * 86400
        return jitter(start, f"graph created {self.upn}", span)

    @property
    def okta_created(self) -> dt.datetime:
        if self.is_new_hire:
            return NEW_HIRE_AT - dt.timedelta(minutes=9)
        if self.ad:
            return jitter(AD_IMPORT, f"okta created {self.upn}", 600)
        return jitter(M365_IMPORT, f"okta created {self.upn}", 900)

    @property
    def assigned(self) -> dt.datetime:
        """When the Office 365 app user was created (import match, or assignment)."""
        if self.is_new_hire:
            return NEW_HIRE_AT
        return jitter(M365_IMPORT, f"app user {self.upn}", 900)


def people() -> list[Person]:
    everyone = [Person(f, s, "contoso.com", ad=True) for f, s in CONTOSO_PEOPLE]
    everyone.append(Person("Okta", "Administrator", "contoso.com", ad=True, local="okta.admin"))
    everyone += [Person(f, s, "fabrikam.com", ad=False) for f, s in FABRIKAM_PEOPLE]
    return sorted(everyone, key=lambda p: p.upn)
