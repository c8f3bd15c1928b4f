"""The forum API: forums, meetings, agendas, minutes, follows. Views only
require a signed-in caller for writes (401 otherwise); who may do what is
decided by the services (``districts.permissions``)."""
