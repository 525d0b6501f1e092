"""crm.open(..., redact=True) keeps personal values out of messages, so a
kiosk or self-service front end that shows or logs them cannot be made to
map phone numbers to names."""
import pytest

import crm


@pytest.mark.parametrize("redact", [False, True])
def test_messages_with_and_without_personal_values(redact):
    with crm.open(":memory:", default_country="US", redact=redact) as db:
        jane = db.create_customer("Jane Victim-Doe")
        db.add_identity(jane, "phone", "+14155550100")
        other = db.create_customer("Someone Else")
        with pytest.raises(crm.Conflict) as conflict:
            db.add_identity(other, "phone", "+1 415 555 0100")
        with pytest.raises(crm.NotFound) as unknown:
            db.lookup("phone", "+12125550199")
        assert conflict.value.conflict_id == jane.id
        assert jane.id in str(conflict.value)
        shown = [("+14155550100" in str(conflict.value)),
                 ("Jane Victim-Doe" in str(conflict.value)),
                 ("+12125550199" in str(unknown.value))]
        assert shown == [not redact] * 3
        assert ("<withheld>" in str(unknown.value)) == redact
