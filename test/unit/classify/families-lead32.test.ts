// The lead's session-32 families of rules/phrases.toml (InvalidRecipient, European
// languages): the address "was not found" in the passive (Gmail's localized "Address
// not found", Exchange's localized "couldn't be found") and French "Impossible de
// trouver l'adresse <addr>" (blind-messages-14 01 and 09). Loaded as the bundled config
// loads the shipped rules. Wordings written here, with the nearest phrases of other
// labels or of no label that must NOT get InvalidRecipient.
import { describeFamilies } from '../../helpers/shipped-rules';

/** [reply, the label it gets] per family. */
const FAMILIES: Record<string, Array<[string, string]>> = {
  'the recipient address was not found, said in the passive': [
    ['550 O endereço de e-mail não foi encontrado no servidor.', 'InvalidRecipient'],
    ['550 La dirección del destinatario no fue encontrada', 'InvalidRecipient'],
    ['550 La dirección de correo electrónico no se ha encontrado', 'InvalidRecipient'],
    ["550 L'indirizzo paolo@example.it non è stato trovato", 'InvalidRecipient'],
    ["550 L'adresse de messagerie n'a pas été trouvée", 'InvalidRecipient'],
    ['550 Adres odbiorcy nie został znaleziony', 'InvalidRecipient'],
    // Nearest: a domain or an IP address not found, and a message not found.
    ['550 O endereço IP não foi encontrado', 'Uncategorized'],
    ["550 L'adresse IP du relais n'a pas été trouvée", 'Uncategorized'],
    ['550 El mensaje no se ha encontrado', 'Uncategorized'],
  ],
  'French "impossible de trouver" the address': [
    ["550 Impossible de trouver l'adresse marie@example.fr sur example.fr.", 'InvalidRecipient'],
    ['550 Impossible de trouver le destinataire.', 'InvalidRecipient'],
    ["550 Impossible de localiser l'adresse e-mail : vérifiez-la", 'InvalidRecipient'],
    // Nearest: the server's or relay's address (a DNS failure), and a domain.
    ["550 Impossible de trouver l'adresse IP du serveur distant", 'Uncategorized'],
    ["550 Impossible de trouver l'adresse du serveur de messagerie", 'Uncategorized'],
    ['550 Impossible de trouver le domaine example.fr', 'Uncategorized'],
  ],
};

describeFamilies(FAMILIES);
