import type { Strings } from './strings.js';

export const ptBR: Strings = {
  image: (alt, readonly) =>
    `${alt || 'Imagem'}. ${readonly ? 'Marcadores somente para leitura.' : 'Clique, ou pressione Enter, para colocar um marcador.'}`,
  marker: (n, author, first, replies, resolved) =>
    `Marcador ${n} de ${author}${resolved ? ', resolvido' : ''}: ${first}` +
    (replies > 0 ? ` (${replies} ${replies === 1 ? 'resposta' : 'respostas'})` : ''),
  announceNew: (n, author, text) => `Novo marcador ${n} de ${author}: ${text}`,
  placingHint:
    'Colocando um marcador: as setas o movem (Shift para passos maiores), Enter o coloca, Escape cancela.',
  threadTitle: (n) => `Marcador ${n}`,
  newThreadTitle: 'Novo marcador',
  by: (author) => `de ${author}`,
  you: 'você',
  edited: '(editado)',
  resolved: 'Resolvido',
  commentPlaceholder: 'Adicione um comentário…',
  replyPlaceholder: 'Responder…',
  commentLabel: 'Comentário',
  submitNew: 'Comentar',
  submitReply: 'Responder',
  save: 'Salvar',
  cancel: 'Cancelar',
  edit: 'Editar',
  delete: 'Excluir',
  resolve: 'Resolver',
  reopen: 'Reabrir',
  deleteMarker: 'Excluir marcador',
  close: 'Fechar',
  charactersLeft: (n) => (n === 1 ? '1 caractere restante' : `${n} caracteres restantes`),
  status: {
    connecting: 'Conectando…',
    reconnecting: 'Conexão perdida. Reconectando…',
    offline: 'Você está offline. As alterações não podem ser salvas até a conexão voltar.',
    closed: 'Desconectado do servidor de comentários.',
  },
  cached: (time) => `Sem conexão — mostrando os marcadores salvos às ${time}. Somente leitura até o servidor voltar.`,
  errors: {
    'bad-request': 'O servidor não pôde aceitar esta alteração.',
    unauthorized: 'Sua sessão não é mais válida. Recarregue a página para entrar de novo.',
    forbidden: 'Você não tem permissão para fazer isso.',
    'not-found': 'Este marcador ou comentário não existe mais.',
    conflict: 'Esta alteração conflita com outra. Recarregue e tente de novo.',
    'too-large': 'O texto é longo demais.',
    'rate-limited': 'Muitas alterações ao mesmo tempo. Aguarde um pouco e tente de novo.',
    offline: 'Você está offline: esta alteração não foi salva.',
    unavailable: 'O servidor de comentários está inacessível: esta alteração não foi salva.',
    internal: 'Algo deu errado no servidor: esta alteração não foi salva.',
  },
  keptText: 'Seu texto foi mantido: tente de novo.',
  retry: 'Tentar de novo',
};
