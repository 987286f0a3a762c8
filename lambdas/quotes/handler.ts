// Placeholder until its issue lands: the stack declares this function, so it must exist and bundle.
export const handler = async (): Promise<never> => {
  throw new Error('not implemented: quotes');
};
